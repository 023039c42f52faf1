//! Checks on the repository itself rather than on behaviour: the committed C header matches
//! the code and documents every export (`header.rs`), and the core's modules import one way
//! with one panic guard (`layers.rs`), and the book's reference tables are generated from
//! the code (`docs.rs`).

mod docs;
mod header;
mod layers;
