//! The in-process log behind [`Log::in_process`](super::Log::in_process):
//! one replica in memory, with libmesos's leadership rule (the latest
//! election wins; a displaced writer's writes are refused).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::{lost_leadership, Entry, Position};
use crate::error::{Error, Result};

#[derive(Default)]
pub(super) struct InProcessLog {
    replica: Mutex<Replica>,
}

#[derive(Default)]
struct Replica {
    entries: BTreeMap<u64, Vec<u8>>,
    /// Where the next record goes.
    next: u64,
    /// The first readable position.
    beginning: u64,
    /// The latest election.
    epoch: u64,
}

impl Replica {
    fn ending(&self) -> u64 {
        self.next.saturating_sub(1)
    }

    /// Takes the next position for a record (an entry, or a truncation).
    fn record(&mut self) -> Position {
        let at = self.next;
        self.next += 1;
        Position::from_value(at)
    }
}

impl InProcessLog {
    pub(super) fn read(&self, from: Position, to: Position) -> Result<Vec<Entry>> {
        let replica = self.replica.lock().unwrap();
        let (from, to) = (from.value(), to.value());
        if from > to || from < replica.beginning || to > replica.ending() {
            return Err(Error::OperationFailed {
                what: "read of the in-process log".into(),
                message: format!(
                    "bad read range [{from}, {to}]: the log holds [{}, {}]",
                    replica.beginning,
                    replica.ending()
                ),
            });
        }
        Ok(replica
            .entries
            .range(from..=to)
            .map(|(at, data)| Entry {
                position: Position::from_value(*at),
                data: data.clone(),
            })
            .collect())
    }

    pub(super) fn beginning(&self) -> Position {
        Position::from_value(self.replica.lock().unwrap().beginning)
    }

    pub(super) fn ending(&self) -> Position {
        Position::from_value(self.replica.lock().unwrap().ending())
    }
}

/// A writer of the in-process log: leads from its `start` until another
/// writer's.
pub(super) struct InProcessWriter {
    log: Arc<InProcessLog>,
    elected_in: Mutex<Option<u64>>,
}

impl InProcessWriter {
    pub(super) fn new(log: Arc<InProcessLog>) -> Self {
        Self {
            log,
            elected_in: Mutex::new(None),
        }
    }

    pub(super) fn start(&self) -> Result<Position> {
        let mut replica = self.log.replica.lock().unwrap();
        replica.epoch += 1;
        *self.elected_in.lock().unwrap() = Some(replica.epoch);
        Ok(Position::from_value(replica.ending()))
    }

    /// Runs `write` on the replica if this writer leads.
    fn leading(
        &self,
        what: &str,
        write: impl FnOnce(&mut Replica) -> Position,
    ) -> Result<Position> {
        let mut replica = self.log.replica.lock().unwrap();
        if *self.elected_in.lock().unwrap() != Some(replica.epoch) {
            return Err(lost_leadership(format!("{what} to the in-process log")));
        }
        Ok(write(&mut replica))
    }

    pub(super) fn append(&self, data: &[u8]) -> Result<Position> {
        self.leading("append", |replica| {
            let at = replica.record();
            replica.entries.insert(at.value(), data.to_vec());
            at
        })
    }

    pub(super) fn truncate(&self, to: Position) -> Result<Position> {
        self.leading("truncate", |replica| {
            replica.entries = replica.entries.split_off(&to.value());
            replica.beginning = replica.beginning.max(to.value());
            replica.record()
        })
    }
}
