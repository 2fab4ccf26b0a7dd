//! `BatchReturn`: the result of a method that processes many items and lets some fail, as the
//! network encodes it (`[success_count, [[index, exit_code], ...]]`).

use fvm_ipld_encoding::tuple::*;
use fvm_shared::error::ExitCode;

/// One failed item: its index in the batch and why it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct FailCode {
    pub idx: u32,
    pub code: ExitCode,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize_tuple, Deserialize_tuple)]
pub struct BatchReturn {
    /// How many items succeeded.
    pub success_count: u32,
    /// The failed items, in index order.
    pub fail_codes: Vec<FailCode>,
}

impl BatchReturn {
    /// A batch in which every one of `n` items succeeded.
    pub const fn ok(n: u32) -> Self {
        BatchReturn {
            success_count: n,
            fail_codes: Vec::new(),
        }
    }

    pub fn size(&self) -> usize {
        self.success_count as usize + self.fail_codes.len()
    }

    pub fn all_ok(&self) -> bool {
        self.fail_codes.is_empty()
    }

    /// One exit code per item, in order.
    pub fn codes(&self) -> Vec<ExitCode> {
        let mut codes = vec![ExitCode::OK; self.size()];
        for f in &self.fail_codes {
            if let Some(c) = codes.get_mut(f.idx as usize) {
                *c = f.code;
            }
        }
        codes
    }

    /// The items that succeeded, picked out of `items` (which must be the batch's input).
    pub fn successes<'a, T>(&self, items: &'a [T]) -> Vec<&'a T> {
        let codes = self.codes();
        items
            .iter()
            .zip(codes)
            .filter(|(_, c)| c.is_success())
            .map(|(t, _)| t)
            .collect()
    }

    /// Combines the result of a first pass with that of a second pass over the first pass's
    /// successes: the indices of `next` are re-mapped to positions in the original batch.
    pub fn stack(&self, next: &BatchReturn) -> BatchReturn {
        let mut codes = self.codes();
        let success_positions: Vec<usize> = codes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.is_success())
            .map(|(i, _)| i)
            .collect();
        for f in &next.fail_codes {
            if let Some(&pos) = success_positions.get(f.idx as usize) {
                codes[pos] = f.code;
            }
        }
        let mut gen = BatchReturnGen::new(codes.len());
        for c in codes {
            gen.add(c);
        }
        gen.generate()
    }
}

/// Builds a `BatchReturn` one item at a time.
pub struct BatchReturnGen {
    success_count: u32,
    fail_codes: Vec<FailCode>,
    index: u32,
    expected: usize,
}

impl BatchReturnGen {
    pub fn new(expected: usize) -> Self {
        BatchReturnGen {
            success_count: 0,
            fail_codes: Vec::new(),
            index: 0,
            expected,
        }
    }

    pub fn add_success(&mut self) -> &mut Self {
        self.success_count += 1;
        self.index += 1;
        self
    }

    pub fn add_fail(&mut self, code: ExitCode) -> &mut Self {
        self.fail_codes.push(FailCode {
            idx: self.index,
            code,
        });
        self.index += 1;
        self
    }

    pub fn add(&mut self, code: ExitCode) -> &mut Self {
        if code.is_success() {
            self.add_success()
        } else {
            self.add_fail(code)
        }
    }

    /// The result. Debug builds check that every expected item was added.
    pub fn generate(&self) -> BatchReturn {
        debug_assert_eq!(self.index as usize, self.expected, "batch items added");
        BatchReturn {
            success_count: self.success_count,
            fail_codes: self.fail_codes.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_ipld_encoding::{from_slice, to_vec};

    #[test]
    fn codes_successes_and_encoding() {
        let mut gen = BatchReturnGen::new(4);
        gen.add_success()
            .add_fail(ExitCode::USR_NOT_FOUND)
            .add(ExitCode::OK)
            .add(ExitCode::USR_FORBIDDEN);
        let r = gen.generate();
        assert_eq!(r.success_count, 2);
        assert_eq!(r.size(), 4);
        assert!(!r.all_ok());
        assert_eq!(
            r.codes(),
            vec![
                ExitCode::OK,
                ExitCode::USR_NOT_FOUND,
                ExitCode::OK,
                ExitCode::USR_FORBIDDEN
            ]
        );
        assert_eq!(r.successes(&["a", "b", "c", "d"]), vec![&"a", &"c"]);
        // [2, [[1, 17], [3, 18]]]
        let bytes = to_vec(&r).unwrap();
        assert_eq!(
            bytes,
            vec![0x82, 0x02, 0x82, 0x82, 0x01, 0x11, 0x82, 0x03, 0x12]
        );
        assert_eq!(from_slice::<BatchReturn>(&bytes).unwrap(), r);
        assert!(BatchReturn::ok(3).all_ok());
    }

    #[test]
    fn stacking_maps_second_pass_indices_back() {
        let first = BatchReturn {
            success_count: 3,
            fail_codes: vec![FailCode {
                idx: 1,
                code: ExitCode::USR_NOT_FOUND,
            }],
        };
        // The second pass saw items 0, 2, 3 of the original and failed its item 1 (= original 2).
        let second = BatchReturn {
            success_count: 2,
            fail_codes: vec![FailCode {
                idx: 1,
                code: ExitCode::USR_ILLEGAL_ARGUMENT,
            }],
        };
        let stacked = first.stack(&second);
        assert_eq!(
            stacked.codes(),
            vec![
                ExitCode::OK,
                ExitCode::USR_NOT_FOUND,
                ExitCode::USR_ILLEGAL_ARGUMENT,
                ExitCode::OK
            ]
        );
        assert_eq!(stacked.success_count, 2);
    }
}
