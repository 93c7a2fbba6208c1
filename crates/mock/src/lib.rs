//! Mock servers of the questkit APIs.
#![deny(missing_docs)]
