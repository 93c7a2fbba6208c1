//! The nudj mock API (mounted endpoints are added with the nudj client).
