// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

import "./Cbor.sol";

/// @title SectorStatus
/// @notice Whether a storage provider's sector is live, and until when, read on-chain from its
/// miner actor (FIP-0112's `GenerateSectorStatusInfo`, `ValidateSectorStatus` and
/// `GetSectorExpiration`).
/// @dev Every call goes through the `call_actor_id` precompile by DELEGATECALL, the only way the
/// precompile accepts, with the read-only flag set: the miner cannot change state on the
/// caller's behalf. Functions are not `view` for that reason (Solidity forbids DELEGATECALL in
/// a view), but none of them writes anything.
///
/// **The stale-location rule.** A `Location` comes from `generateSectorStatusInfo`. The miner
/// moves live sectors when it compacts a deadline's partitions, and a stored location then goes
/// stale: the miner answers `USR_NOT_FOUND` (17), never a wrong status. On 17, call
/// `generateSectorStatusInfo` again (off-chain with an eth_call, or on-chain) and retry. No
/// location, stale or forged, can make a dead sector validate as live.
///
/// Each reading function comes in two forms: the plain one reverts (`StaleLocation`,
/// `SectorNotLive`, `MinerCallFailed`) when the miner does not answer with exit code 0; the
/// `try` form returns the miner's exit code instead (0 on success), so a contract can act on a
/// stale location itself.
library SectorStatus {
    /// FIP-0112's status codes: a live sector is `Active` or `Faulty`; anything else (never
    /// proven, terminated, expired, compacted away) is `Dead`.
    enum Status {
        Dead,
        Active,
        Faulty
    }

    /// Where a miner keeps a sector: the miner's actor ID, the sector number and the miner's
    /// location (`aux_data`: its CBOR deadline and partition). Treat `auxData` as opaque.
    struct Location {
        uint64 minerId;
        uint64 sector;
        bytes auxData;
    }

    /// The `call_actor_id` precompile.
    address internal constant CALL_ACTOR_ID = 0xfe00000000000000000000000000000000000005;
    /// FRC-42 method numbers of the miner's sector-status methods.
    uint64 internal constant GENERATE_SECTOR_STATUS_INFO = 4191053301;
    uint64 internal constant VALIDATE_SECTOR_STATUS = 3092458564;
    uint64 internal constant GET_SECTOR_EXPIRATION = 1925291949;
    /// The send flag that forbids the callee any state change.
    uint64 internal constant READ_ONLY = 1;
    /// The codec of the miner's parameters and returns (DAG-CBOR).
    uint64 internal constant CBOR = 0x51;
    /// The miner's exit codes a caller should expect.
    int256 internal constant OK = 0;
    /// The location is malformed or names a deadline or partition the miner does not have.
    int256 internal constant USR_ILLEGAL_ARGUMENT = 16;
    /// The location is stale (or forged): regenerate it.
    int256 internal constant USR_NOT_FOUND = 17;
    /// `GetSectorExpiration` of a sector that is not live.
    int256 internal constant USR_FORBIDDEN = 18;

    /// The miner no longer keeps the sector where `location` says: regenerate the location.
    error StaleLocation(uint64 minerId, uint64 sector);
    /// The sector is not live, so it has no expiration.
    error SectorNotLive(uint64 minerId, uint64 sector);
    /// The miner answered with a non-zero exit code (negative: the network refused the send,
    /// with that error number).
    error MinerCallFailed(uint64 minerId, uint64 sector, int256 exitCode);
    /// The precompile refused the call, or the miner's return is not what the method returns.
    error BadReturn(uint64 minerId, uint64 sector);

    /// The sector's status and a fresh location. Reverts with `MinerCallFailed` if the miner
    /// fails (an unknown miner among others).
    function generateSectorStatusInfo(uint64 minerId, uint64 sector)
        internal
        returns (Status status, Location memory location)
    {
        int256 exitCode;
        (exitCode, status, location) = tryGenerateSectorStatusInfo(minerId, sector);
        if (exitCode != OK) revert MinerCallFailed(minerId, sector, exitCode);
    }

    /// `generateSectorStatusInfo`, returning the miner's exit code instead of reverting; status
    /// and location are meaningful only when it is 0. A sector the miner does not have (never
    /// proven, or compacted away) is `Dead` at the location `(-1, -1)`.
    function tryGenerateSectorStatusInfo(uint64 minerId, uint64 sector)
        internal
        returns (int256 exitCode, Status status, Location memory location)
    {
        location.minerId = minerId;
        location.sector = sector;
        bytes memory ret;
        (exitCode, ret) = callMiner(
            minerId,
            sector,
            GENERATE_SECTOR_STATUS_INFO,
            abi.encodePacked(Cbor.head(Cbor.ARRAY, 1), Cbor.head(Cbor.UNSIGNED, sector))
        );
        if (exitCode != OK) return (exitCode, Status.Dead, location);
        // [status, aux_data]
        (uint64 fields, uint256 offset) = Cbor.expect(ret, 0, Cbor.ARRAY);
        uint64 code;
        (code, offset) = Cbor.expect(ret, offset, Cbor.UNSIGNED);
        if (fields != 2 || code > uint8(type(Status).max)) revert BadReturn(minerId, sector);
        (location.auxData, offset) = Cbor.readBytes(ret, offset);
        if (offset != ret.length) revert BadReturn(minerId, sector);
        return (OK, Status(uint8(code)), location);
    }

    /// Whether the sector has `status` at `location`. Reverts with `StaleLocation` on a stale
    /// location and `MinerCallFailed` on any other failure.
    function validateSectorStatus(Location memory location, Status status) internal returns (bool valid) {
        int256 exitCode;
        (exitCode, valid) = tryValidateSectorStatus(location, status);
        check(location, exitCode);
    }

    /// `validateSectorStatus`, returning the miner's exit code instead of reverting; `valid` is
    /// false unless the exit code is 0.
    function tryValidateSectorStatus(Location memory location, Status status)
        internal
        returns (int256 exitCode, bool valid)
    {
        bytes memory params = abi.encodePacked(
            Cbor.head(Cbor.ARRAY, 3),
            Cbor.head(Cbor.UNSIGNED, location.sector),
            Cbor.head(Cbor.UNSIGNED, uint64(status)),
            Cbor.byteString(location.auxData)
        );
        bytes memory ret;
        (exitCode, ret) = callMiner(location.minerId, location.sector, VALIDATE_SECTOR_STATUS, params);
        if (exitCode != OK) return (exitCode, false);
        if (ret.length != 1 || (ret[0] != Cbor.TRUE && ret[0] != Cbor.FALSE)) {
            revert BadReturn(location.minerId, location.sector);
        }
        return (OK, ret[0] == Cbor.TRUE);
    }

    /// Whether the sector is live (active or faulty: a faulty sector can recover). One call:
    /// `ValidateSectorStatus(Dead)` answering false. Reverts as `validateSectorStatus` does; a
    /// failure never reads as live.
    function isLive(Location memory location) internal returns (bool live) {
        int256 exitCode;
        (exitCode, live) = tryIsLive(location);
        check(location, exitCode);
    }

    /// `isLive`, returning the miner's exit code instead of reverting; `live` is false unless
    /// the exit code is 0.
    function tryIsLive(Location memory location) internal returns (int256 exitCode, bool live) {
        bool dead;
        (exitCode, dead) = tryValidateSectorStatus(location, Status.Dead);
        return (exitCode, exitCode == OK && !dead);
    }

    /// The epoch at which the live sector at `location` is due to expire (early termination can
    /// end it sooner). Reverts with `SectorNotLive` when it is not live, `StaleLocation` on a
    /// stale location and `MinerCallFailed` on any other failure.
    function getSectorExpiration(Location memory location) internal returns (int64 epoch) {
        int256 exitCode;
        (exitCode, epoch) = tryGetSectorExpiration(location);
        if (exitCode == USR_FORBIDDEN) revert SectorNotLive(location.minerId, location.sector);
        check(location, exitCode);
    }

    /// `getSectorExpiration`, returning the miner's exit code instead of reverting
    /// (`USR_FORBIDDEN` when the sector is not live); `epoch` is 0 unless the exit code is 0.
    function tryGetSectorExpiration(Location memory location) internal returns (int256 exitCode, int64 epoch) {
        bytes memory params = abi.encodePacked(
            Cbor.head(Cbor.ARRAY, 2), Cbor.head(Cbor.UNSIGNED, location.sector), Cbor.byteString(location.auxData)
        );
        bytes memory ret;
        (exitCode, ret) = callMiner(location.minerId, location.sector, GET_SECTOR_EXPIRATION, params);
        if (exitCode != OK) return (exitCode, 0);
        uint256 end;
        (epoch, end) = Cbor.readInt(ret, 0);
        if (end != ret.length) revert BadReturn(location.minerId, location.sector);
        return (OK, epoch);
    }

    /// Reverts with the error that names a non-zero exit code.
    function check(Location memory location, int256 exitCode) private pure {
        if (exitCode == OK) return;
        if (exitCode == USR_NOT_FOUND) revert StaleLocation(location.minerId, location.sector);
        revert MinerCallFailed(location.minerId, location.sector, exitCode);
    }

    /// One read-only call of the miner's `method` with CBOR `params`: the miner's exit code
    /// (negative: the error number of a send the network refused) and its CBOR return.
    function callMiner(uint64 minerId, uint64 sector, uint64 method, bytes memory params)
        private
        returns (int256 exitCode, bytes memory ret)
    {
        (bool ok, bytes memory out) =
            CALL_ACTOR_ID.delegatecall(abi.encode(method, uint256(0), READ_ONLY, CBOR, params, minerId));
        if (!ok) revert BadReturn(minerId, sector);
        uint64 codec;
        (exitCode, codec, ret) = abi.decode(out, (int256, uint64, bytes));
        if (exitCode == OK && codec != CBOR) revert BadReturn(minerId, sector);
    }
}
