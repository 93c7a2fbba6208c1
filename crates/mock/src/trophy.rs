//! The trophy mock API (mounted endpoints are added with the trophy client).
