//! The goals mock API (mounted endpoints are added with the goals client).
