//! Why a driver was aborted, kept once (the first failure; later ones are
//! its consequences) so that every later `join`/`run` can say.

use std::sync::OnceLock;

use crate::error::Error;

/// What went wrong first.
#[derive(Debug, Clone)]
pub(crate) enum Failure {
    Panicked {
        callback: &'static str,
        message: String,
    },
    Decode {
        what: String,
        source: prost::DecodeError,
    },
    MesosError(String),
}

impl Failure {
    /// The failure a callback's error result stands for.
    pub(crate) fn from_callback_error(error: Error) -> Self {
        match error {
            Error::Decode { what, source } => Failure::Decode { what, source },
            other => Failure::MesosError(other.to_string()),
        }
    }

    pub(crate) fn to_error(&self) -> Error {
        match self {
            Failure::Panicked { callback, message } => Error::CallbackPanicked {
                callback,
                message: message.clone(),
            },
            Failure::Decode { what, source } => Error::Decode {
                what: what.clone(),
                source: source.clone(),
            },
            Failure::MesosError(message) => Error::Aborted {
                message: Some(message.clone()),
            },
        }
    }
}

/// The first failure of one driver. Reading it is one atomic load, so the
/// callback path checks it for free.
#[derive(Default)]
pub(crate) struct FirstFailure(OnceLock<Failure>);

impl FirstFailure {
    /// Keeps `failure` unless one is kept already.
    pub(crate) fn record(&self, failure: Failure) {
        let error = failure.to_error();
        if self.0.set(failure).is_ok() {
            log::error!("driver aborting: {error}");
        }
    }

    pub(crate) fn get(&self) -> Option<&Failure> {
        self.0.get()
    }

    /// The error describing why the driver is aborted.
    pub(crate) fn abort_error(&self) -> Error {
        match self.get() {
            Some(failure) => failure.to_error(),
            None => Error::Aborted { message: None },
        }
    }
}
