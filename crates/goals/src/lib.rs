//! questkit client for the goals API.
#![deny(missing_docs)]
