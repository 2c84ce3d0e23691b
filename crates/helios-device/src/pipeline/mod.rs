//! The request pipeline: one ordered pass, each step a spec lookup, each failure an `ApiError`
//! turned into a reply in one place (`reply::error_response`).
//!
//! route (2) → method (3) → service enabled (4) → transport (7) → authentication (9, 8) →
//! privilege (10) → licence (5) → model support (1) → parameters (13, 11, 12) → handler.
//! Handlers receive typed parameters and never re-check any of this. A device started with
//! faults (`crate::faults`) departs from these steps only where a fault names the function.
//!
//! - `steps.rs`: `run`, and one function per step, in that order; `admit` (the steps of the
//!   head, route to model support) and `serve_admitted` (parameters and handler) are its two
//!   halves, between which a request with a body has its body read.
//! - `request.rs`: what the steps read of a request, and the connection it came on.
//! - `memo.rs`: the request without a body this thread routed and checked last, whose function
//!   and parameters the same request again takes without routing and checking again.
//! - `serving.rs`: between HTTP and the steps: the router, the body read, the reply turned
//!   into a response.

mod memo;
mod request;
mod serving;
mod steps;

pub use request::{Connection, LIMITS, Request};
pub use serving::{Serving, Unread, app, bad_request, begin, process, serve};
