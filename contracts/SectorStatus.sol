// SPDX-License-Identifier: MIT OR Apache-2.0
// Sector status (FIP-0112) for contracts: the miner's read-only methods called through the
// `call_actor_id` precompile, with their CBOR parameters and returns written here so no caller
// handles CBOR.
pragma solidity 0.8.37;

/// @title SectorStatus
/// @notice Reads a storage provider's sector status from its miner actor. A location comes from
/// the miner's `GenerateSectorStatusInfo`; it goes stale when the miner compacts its partitions,
/// and the miner then answers `USR_NOT_FOUND` (17): regenerate the location and ask again. The
/// `try` functions return the miner's exit code (0 on success) instead of reverting.
library SectorStatus {
    /// FIP-0112's status codes.
    enum Status {
        Dead,
        Active,
        Faulty
    }

    /// The `call_actor_id` precompile: callable only through DELEGATECALL.
    address internal constant CALL_ACTOR_ID = 0xfe00000000000000000000000000000000000005;
    /// FRC-42 method numbers of the miner's sector-status methods.
    uint64 internal constant GENERATE_SECTOR_STATUS_INFO = 4191053301;
    uint64 internal constant VALIDATE_SECTOR_STATUS = 3092458564;
    uint64 internal constant GET_SECTOR_EXPIRATION = 1925291949;
    /// The send flag that forbids the callee any state change.
    uint64 internal constant READ_ONLY = 1;
    /// The CBOR codec of parameters and returns.
    uint64 internal constant CBOR = 0x51;
    /// The exit code of a stale location.
    int256 internal constant USR_NOT_FOUND = 17;

    /// The miner returned an exit code other than 0.
    error MinerCallFailed(int256 exitCode);
    /// The precompile refused the call or the miner's return is not what the method returns.
    error BadReturn();

    /// Whether sector `sector` of miner `minerId` has `status` at `location`; reverts with
    /// `MinerCallFailed` when the miner fails (a stale location among others).
    function validateSectorStatus(uint64 minerId, uint64 sector, Status status, bytes memory location)
        internal
        returns (bool)
    {
        (int256 exitCode, bool valid) = tryValidateSectorStatus(minerId, sector, status, location);
        if (exitCode != 0) revert MinerCallFailed(exitCode);
        return valid;
    }

    /// Whether the sector is live (active or faulty): `ValidateSectorStatus(Dead)` is false.
    function isLive(uint64 minerId, uint64 sector, bytes memory location) internal returns (bool) {
        return !validateSectorStatus(minerId, sector, Status.Dead, location);
    }

    /// The epoch at which the sector expires; reverts with `MinerCallFailed` on a failure.
    function getSectorExpiration(uint64 minerId, uint64 sector, bytes memory location) internal returns (int64) {
        (int256 exitCode, int64 epoch) = tryGetSectorExpiration(minerId, sector, location);
        if (exitCode != 0) revert MinerCallFailed(exitCode);
        return epoch;
    }

    /// `ValidateSectorStatus`: the miner's exit code, and its answer when that is 0.
    function tryValidateSectorStatus(uint64 minerId, uint64 sector, Status status, bytes memory location)
        internal
        returns (int256 exitCode, bool valid)
    {
        bytes memory params =
            abi.encodePacked(hex"83", cborHead(0, sector), cborHead(0, uint64(status)), cborBytes(location));
        bytes memory ret;
        (exitCode, ret) = callMiner(minerId, VALIDATE_SECTOR_STATUS, params);
        if (exitCode != 0) return (exitCode, false);
        if (ret.length != 1 || (ret[0] != 0xf5 && ret[0] != 0xf4)) revert BadReturn();
        return (0, ret[0] == 0xf5);
    }

    /// `GetSectorExpiration`: the miner's exit code, and the epoch when that is 0.
    function tryGetSectorExpiration(uint64 minerId, uint64 sector, bytes memory location)
        internal
        returns (int256 exitCode, int64 epoch)
    {
        bytes memory params = abi.encodePacked(hex"82", cborHead(0, sector), cborBytes(location));
        bytes memory ret;
        (exitCode, ret) = callMiner(minerId, GET_SECTOR_EXPIRATION, params);
        if (exitCode != 0) return (exitCode, 0);
        (uint8 major, uint64 n, uint256 end) = readHead(ret, 0);
        if (major != 0 || end != ret.length || n > uint64(type(int64).max)) revert BadReturn();
        return (0, int64(n));
    }

    /// `GenerateSectorStatusInfo`: the miner's exit code, and when that is 0 the sector's status
    /// and a fresh location.
    function tryGenerateSectorStatusInfo(uint64 minerId, uint64 sector)
        internal
        returns (int256 exitCode, Status status, bytes memory location)
    {
        bytes memory ret;
        (exitCode, ret) = callMiner(minerId, GENERATE_SECTOR_STATUS_INFO, abi.encodePacked(hex"81", cborHead(0, sector)));
        if (exitCode != 0) return (exitCode, Status.Dead, "");
        if (ret.length < 1 || ret[0] != 0x82) revert BadReturn();
        (uint8 major, uint64 code, uint256 offset) = readHead(ret, 1);
        if (major != 0 || code > uint8(type(Status).max)) revert BadReturn();
        uint64 len;
        (major, len, offset) = readHead(ret, offset);
        if (major != 2 || offset + len != ret.length) revert BadReturn();
        location = new bytes(len);
        for (uint256 i = 0; i < len; i++) {
            location[i] = ret[offset + i];
        }
        return (0, Status(uint8(code)), location);
    }

    /// One read-only call of the miner's `method` with CBOR `params`; the miner's exit code (or,
    /// negated, the error number of a send the network refused) and its CBOR return.
    function callMiner(uint64 minerId, uint64 method, bytes memory params)
        internal
        returns (int256 exitCode, bytes memory ret)
    {
        (bool ok, bytes memory out) =
            CALL_ACTOR_ID.delegatecall(abi.encode(method, uint256(0), READ_ONLY, CBOR, params, minerId));
        if (!ok) revert BadReturn();
        uint64 codec;
        (exitCode, codec, ret) = abi.decode(out, (int256, uint64, bytes));
        if (exitCode == 0 && codec != CBOR) revert BadReturn();
    }

    /// A CBOR head: major type and argument, in the shortest form.
    function cborHead(uint8 major, uint64 n) internal pure returns (bytes memory) {
        bytes1 m = bytes1(major << 5);
        if (n < 24) return abi.encodePacked(m | bytes1(uint8(n)));
        if (n <= type(uint8).max) return abi.encodePacked(m | bytes1(uint8(24)), uint8(n));
        if (n <= type(uint16).max) return abi.encodePacked(m | bytes1(uint8(25)), uint16(n));
        if (n <= type(uint32).max) return abi.encodePacked(m | bytes1(uint8(26)), uint32(n));
        return abi.encodePacked(m | bytes1(uint8(27)), n);
    }

    /// A CBOR byte string.
    function cborBytes(bytes memory data) internal pure returns (bytes memory) {
        return abi.encodePacked(cborHead(2, uint64(data.length)), data);
    }

    /// Reads the CBOR head at `offset`: its major type, argument and the offset after it.
    function readHead(bytes memory data, uint256 offset) internal pure returns (uint8 major, uint64 n, uint256 end) {
        if (offset >= data.length) revert BadReturn();
        uint8 first = uint8(data[offset]);
        major = first >> 5;
        uint8 info = first & 31;
        if (info < 24) return (major, info, offset + 1);
        if (info > 27) revert BadReturn();
        uint256 size = 1 << (info - 24);
        if (offset + 1 + size > data.length) revert BadReturn();
        for (uint256 i = 0; i < size; i++) {
            n = (n << 8) | uint8(data[offset + 1 + i]);
        }
        return (major, n, offset + 1 + size);
    }
}
