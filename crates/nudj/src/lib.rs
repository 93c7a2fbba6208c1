//! questkit client for the nudj API.
#![deny(missing_docs)]
