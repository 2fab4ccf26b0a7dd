//! `MessageAccumulator`: collects the failures of invariant checks, each prefixed with where it
//! was found, so one check over a whole state reports every broken invariant at once.

use std::cell::RefCell;
use std::fmt::Display;
use std::rc::Rc;

/// Shared, cheaply cloned; a prefixed accumulator writes into the same list.
#[derive(Clone, Default, Debug)]
pub struct MessageAccumulator {
    msgs: Rc<RefCell<Vec<String>>>,
    prefix: String,
}

impl MessageAccumulator {
    /// An accumulator that adds `prefix` before every message it records.
    pub fn with_prefix(&self, prefix: impl Display) -> MessageAccumulator {
        MessageAccumulator {
            msgs: self.msgs.clone(),
            prefix: format!("{}{}", self.prefix, prefix),
        }
    }

    pub fn add(&self, msg: impl Display) {
        self.msgs
            .borrow_mut()
            .push(format!("{}{}", self.prefix, msg));
    }

    /// Records `msg` when `condition` is false.
    pub fn require(&self, condition: bool, msg: impl Display) {
        if !condition {
            self.add(msg);
        }
    }

    /// Records the error, with `msg`, when `result` is an error.
    pub fn require_no_error<T, E: Display>(&self, result: Result<T, E>, msg: impl Display) {
        if let Err(e) = result {
            self.add(format!("{}: {}", msg, e));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.msgs.borrow().is_empty()
    }

    pub fn messages(&self) -> Vec<String> {
        self.msgs.borrow().clone()
    }

    /// Panics (failing the test) unless no message was recorded.
    pub fn assert_empty(&self) {
        assert!(
            self.is_empty(),
            "invariant violations:\n{}",
            self.messages().join("\n")
        );
    }

    /// Panics unless the recorded messages are exactly the expected ones, in order.
    pub fn assert_expected(&self, expected: &[&str]) {
        assert_eq!(self.messages(), expected, "invariant messages");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_nest_and_share_one_list() {
        let acc = MessageAccumulator::default();
        let miner = acc.with_prefix("miner 1000: ");
        let deadline = miner.with_prefix("deadline 3: ");
        acc.require(true, "never");
        deadline.require(false, "power mismatch");
        miner.require_no_error(Err::<(), _>("bad root"), "loading sectors");
        miner.require_no_error(Ok::<(), &str>(()), "fine");
        acc.add("top");
        assert!(!acc.is_empty());
        acc.assert_expected(&[
            "miner 1000: deadline 3: power mismatch",
            "miner 1000: loading sectors: bad root",
            "top",
        ]);
    }

    #[test]
    #[should_panic(expected = "invariant violations:\nbroken")]
    fn assert_empty_fails_with_the_messages() {
        let acc = MessageAccumulator::default();
        acc.add("broken");
        acc.assert_empty();
    }
}
