//! `hamming-runner`: a declarative CI test runner for voice agents on the Hamming platform.
//!
//! The layout follows the flow of a run: `suite` (the model) and `load` (read, template,
//! validate) → `api` (the only module that knows the wire format) → `runner` (create, poll,
//! fetch) → `gate` (results + thresholds → verdicts) → `baseline` (the comparison with an
//! earlier report) → `report` (render the outcome).
//! `sim` is the Hamming simulator used by `--simulate` and by the tests. `untrusted` holds the
//! rules for text the runner did not write (redaction, printable text, links), and `console`
//! the writes to stdout and stderr that never stop the process.

pub mod api;
pub mod baseline;
pub mod cli;
pub mod console;
pub mod envconfig;
pub mod exit;
pub mod gate;
pub mod load;
pub mod outcome;
pub mod report;
pub mod runner;
pub mod sim;
pub mod stats;
pub mod suite;
pub mod untrusted;
