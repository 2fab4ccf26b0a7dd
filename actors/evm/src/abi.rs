//! Solidity ABI, the little of it the actor needs: reading words at offsets (precompile input,
//! `handle_filecoin_method`'s answer), input shorter than a read padded with zeros as the EVM
//! pads call data; and the call data of `handle_filecoin_method`.

/// A value that does not fit the type it is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange;

pub struct Reader<'a> {
    input: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        Reader { input, offset: 0 }
    }

    /// `len` bytes from the current offset, zero-padded past the input; advances.
    pub fn read_padded(&mut self, len: usize) -> Vec<u8> {
        let mut out = vec![0u8; len];
        let start = self.offset.min(self.input.len());
        let end = self.offset.saturating_add(len).min(self.input.len());
        out[..end - start].copy_from_slice(&self.input[start..end]);
        self.offset = self.offset.saturating_add(len);
        out
    }

    /// The next word.
    pub fn word(&mut self) -> [u8; 32] {
        let mut w = [0u8; 32];
        w.copy_from_slice(&self.read_padded(32));
        w
    }

    /// The next word as a `u64`; a larger value is invalid input.
    pub fn u64(&mut self) -> Result<u64, OutOfRange> {
        let w = self.word();
        if w[..24].iter().any(|b| *b != 0) {
            return Err(OutOfRange);
        }
        let mut n = [0u8; 8];
        n.copy_from_slice(&w[24..]);
        Ok(u64::from_be_bytes(n))
    }

    /// The next word as a `u32`.
    pub fn u32(&mut self) -> Result<u32, OutOfRange> {
        u32::try_from(self.u64()?).map_err(|_| OutOfRange)
    }

    /// Moves to an absolute offset.
    pub fn seek(&mut self, offset: usize) {
        self.offset = offset;
    }
}

/// `keccak256("handle_filecoin_method(uint64,uint64,bytes)")[..4]`.
pub const NATIVE_METHOD_SELECTOR: [u8; 4] = [0x86, 0x8e, 0x10, 0xc4];

/// The call data of `handle_filecoin_method(method, codec, params)`.
pub fn handle_filecoin_method_call(method: u64, codec: u64, params: &[u8]) -> Vec<u8> {
    let padded_len = params.len().div_ceil(32) * 32;
    let mut out = Vec::with_capacity(4 + 4 * 32 + padded_len);
    out.extend_from_slice(&NATIVE_METHOD_SELECTOR);
    for n in [method, codec, 3 * 32, params.len() as u64] {
        out.extend_from_slice(&[0u8; 24]);
        out.extend_from_slice(&n.to_be_bytes());
    }
    out.extend_from_slice(params);
    out.resize(4 + 4 * 32 + padded_len, 0);
    out
}
