//! questkit client for the trophy API.
#![deny(missing_docs)]
