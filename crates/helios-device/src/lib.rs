//! The reference 2N Helios IP intercom: the HTTP API of the manual served from `helios-spec`,
//! over simulated hardware, on HTTP and HTTPS with Basic and Digest authentication.
//!
//! [`pipeline::app`] is the whole API as an axum router (testable without sockets);
//! [`server::start`] serves it. See `ARCHITECTURE.md` for the pipeline's order.

pub mod apitest;
pub mod auth;
pub mod capture;
pub mod cli;
pub mod clock;
pub mod device;
pub mod events;
pub mod faults;
pub mod handlers;
pub mod hardware;
pub mod pipeline;
pub mod profile;
pub mod reply;
pub mod server;
pub mod stimulus;
pub mod system;
pub mod tls;

pub use device::Device;
pub use profile::Profile;
