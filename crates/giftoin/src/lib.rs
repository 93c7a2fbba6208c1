//! questkit client for the giftoin API.
#![deny(missing_docs)]
