//! Messages between the page and the certificate worker, and the pure job
//! runner (tested natively).

use serde::{Deserialize, Serialize};

/// A job for the worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Chosen by the page; echoed in every response to this job.
    pub id: u32,
    /// What to do.
    pub job: Job,
}

/// The jobs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Count to `n`, reporting progress (exercises the plumbing).
    Count {
        /// How far.
        n: u32,
    },
}

/// A message from the worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Response {
    /// The worker is listening.
    Ready,
    /// Part of a job is done.
    Progress {
        /// The job.
        id: u32,
        /// Items done.
        done: u32,
        /// Items in all.
        total: u32,
    },
    /// The job finished.
    Done {
        /// The job.
        id: u32,
        /// Its result as JSON text.
        result: String,
    },
    /// The job failed.
    Failed {
        /// The job (0 if the request could not be read).
        id: u32,
        /// Why.
        error: String,
    },
}

/// Runs a job, sending progress and the result through `send`.
pub fn handle(request: Request, send: &mut dyn FnMut(Response)) {
    let id = request.id;
    match request.job {
        Job::Count { n } => {
            for done in 1..=n {
                send(Response::Progress { id, done, total: n });
            }
            send(Response::Done {
                id,
                result: n.to_string(),
            });
        }
    }
}
