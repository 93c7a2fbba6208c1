//! The giftoin mock API (mounted endpoints are added with the giftoin client).
