//! wiretrace traces wire copy through the news. The library is a pipeline of stages, each a
//! module with a small API over typed values:
//! [`ingest`] → [`extract`] (→ [`attribution`]) → [`fingerprint`] → [`index`] → [`align`] → [`story`] → [`store`],
//! run together by [`engine::Engine`], the one façade the command-line tool (and later the server)
//! calls.

pub mod align;
pub mod attribution;
pub mod engine;
pub mod extract;
pub mod fingerprint;
pub mod index;
pub mod ingest;
pub mod store;
pub mod story;
pub mod text;

pub use align::{Alignment, Passage};
pub use engine::{Config, Engine, Error};
pub use extract::Article;
