// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

/// @title Cbor
/// @notice The little CBOR (RFC 8949) the miner's methods and notifications speak: heads,
/// byte strings, and a reader that refuses anything malformed with `MalformedCbor`.
library Cbor {
    /// Major types used here.
    uint8 internal constant UNSIGNED = 0;
    uint8 internal constant NEGATIVE = 1;
    uint8 internal constant BYTES = 2;
    uint8 internal constant TEXT = 3;
    uint8 internal constant ARRAY = 4;
    uint8 internal constant MAP = 5;
    uint8 internal constant TAG = 6;
    /// The one-byte items `true` and `false`.
    bytes1 internal constant TRUE = 0xf5;
    bytes1 internal constant FALSE = 0xf4;

    /// The item at `offset` is missing, truncated or not of the expected type.
    error MalformedCbor(uint256 offset);

    /// A head (major type and argument) in its shortest form.
    function head(uint8 major, uint64 n) internal pure returns (bytes memory) {
        bytes1 m = bytes1(major << 5);
        if (n < 24) return abi.encodePacked(m | bytes1(uint8(n)));
        if (n <= type(uint8).max) return abi.encodePacked(m | bytes1(uint8(24)), uint8(n));
        if (n <= type(uint16).max) return abi.encodePacked(m | bytes1(uint8(25)), uint16(n));
        if (n <= type(uint32).max) return abi.encodePacked(m | bytes1(uint8(26)), uint32(n));
        return abi.encodePacked(m | bytes1(uint8(27)), n);
    }

    /// A byte string.
    function byteString(bytes memory data) internal pure returns (bytes memory) {
        return abi.encodePacked(head(BYTES, uint64(data.length)), data);
    }

    /// The head at `offset`: its major type, its argument and the offset after it. Indefinite
    /// lengths and the reserved forms are refused.
    function readHead(bytes memory data, uint256 offset) internal pure returns (uint8 major, uint64 n, uint256 end) {
        if (offset >= data.length) revert MalformedCbor(offset);
        uint8 first = uint8(data[offset]);
        major = first >> 5;
        uint8 info = first & 31;
        if (info < 24) return (major, info, offset + 1);
        if (info > 27) revert MalformedCbor(offset);
        uint256 size = 1 << (info - 24);
        if (offset + 1 + size > data.length) revert MalformedCbor(offset);
        for (uint256 i = 0; i < size; i++) {
            n = (n << 8) | uint8(data[offset + 1 + i]);
        }
        return (major, n, offset + 1 + size);
    }

    /// The head at `offset`, which must have major type `major`: its argument and the offset
    /// after it.
    function expect(bytes memory data, uint256 offset, uint8 major) internal pure returns (uint64 n, uint256 end) {
        uint8 found;
        (found, n, end) = readHead(data, offset);
        if (found != major) revert MalformedCbor(offset);
    }

    /// The integer (unsigned or negative, 64 bits) at `offset` and the offset after it.
    function readInt(bytes memory data, uint256 offset) internal pure returns (int64 value, uint256 end) {
        (uint8 major, uint64 n, uint256 after_) = readHead(data, offset);
        if (n > uint64(type(int64).max) || (major != UNSIGNED && major != NEGATIVE)) revert MalformedCbor(offset);
        value = major == UNSIGNED ? int64(n) : -1 - int64(n);
        return (value, after_);
    }

    /// The byte string at `offset`, copied out, and the offset after it.
    function readBytes(bytes memory data, uint256 offset) internal pure returns (bytes memory out, uint256 end) {
        (uint64 len, uint256 start) = expect(data, offset, BYTES);
        end = start + len;
        if (end > data.length) revert MalformedCbor(offset);
        out = slice(data, start, len);
    }

    /// `len` bytes of `data` from `start` (the caller has checked the bounds).
    function slice(bytes memory data, uint256 start, uint256 len) internal pure returns (bytes memory out) {
        out = new bytes(len);
        assembly ("memory-safe") {
            mcopy(add(out, 32), add(add(data, 32), start), len)
        }
    }
}
