// SPDX-License-Identifier: MIT OR Apache-2.0
// A contract that reads sector status through the `SectorStatus` library and returns the
// miner's answers, for the tests to assert: the `try` functions with their exit codes, and the
// reverting ones each on its own so the tests see their revert data.
pragma solidity 0.8.37;

import "./sector-status/SectorStatus.sol";

contract SectorStatusProbe {
    using SectorStatus for SectorStatus.Location;

    /// `tryGenerateSectorStatusInfo`: the miner's exit code, the sector's status and a fresh
    /// location's `auxData`.
    function locate(uint64 minerId, uint64 sector)
        external
        returns (int256 exitCode, uint8 status, bytes memory auxData)
    {
        SectorStatus.Status s;
        SectorStatus.Location memory location;
        (exitCode, s, location) = SectorStatus.tryGenerateSectorStatusInfo(minerId, sector);
        return (exitCode, uint8(s), location.auxData);
    }

    /// Every `try` read at one location: `tryValidateSectorStatus` for Dead, Active and Faulty,
    /// `tryIsLive`, then `tryGetSectorExpiration`, each as the miner's exit code and answer.
    function read(uint64 minerId, uint64 sector, bytes calldata auxData)
        external
        returns (int256[5] memory exitCodes, bool[4] memory answers, int64 expiration)
    {
        SectorStatus.Location memory location = SectorStatus.Location(minerId, sector, auxData);
        for (uint8 s = 0; s < 3; s++) {
            (exitCodes[s], answers[s]) = location.tryValidateSectorStatus(SectorStatus.Status(s));
        }
        (exitCodes[3], answers[3]) = location.tryIsLive();
        (exitCodes[4], expiration) = location.tryGetSectorExpiration();
    }

    /// `generateSectorStatusInfo`, which reverts on a failure.
    function generate(uint64 minerId, uint64 sector) external returns (uint8 status, bytes memory auxData) {
        (SectorStatus.Status s, SectorStatus.Location memory location) =
            SectorStatus.generateSectorStatusInfo(minerId, sector);
        return (uint8(s), location.auxData);
    }

    /// `validateSectorStatus`, which reverts on a failure.
    function validate(uint64 minerId, uint64 sector, uint8 status, bytes calldata auxData) external returns (bool) {
        return SectorStatus.Location(minerId, sector, auxData).validateSectorStatus(SectorStatus.Status(status));
    }

    /// `isLive`, which reverts on a failure.
    function live(uint64 minerId, uint64 sector, bytes calldata auxData) external returns (bool) {
        return SectorStatus.Location(minerId, sector, auxData).isLive();
    }

    /// `getSectorExpiration`, which reverts on a failure.
    function expirationOf(uint64 minerId, uint64 sector, bytes calldata auxData) external returns (int64) {
        return SectorStatus.Location(minerId, sector, auxData).getSectorExpiration();
    }

    /// `tryValidateSectorStatus` alone.
    function tryValidate(uint64 minerId, uint64 sector, uint8 status, bytes calldata auxData)
        external
        returns (int256, bool)
    {
        return SectorStatus.Location(minerId, sector, auxData).tryValidateSectorStatus(SectorStatus.Status(status));
    }

    /// `tryIsLive` alone.
    function tryLive(uint64 minerId, uint64 sector, bytes calldata auxData) external returns (int256, bool) {
        return SectorStatus.Location(minerId, sector, auxData).tryIsLive();
    }

    /// `tryGetSectorExpiration` alone.
    function tryExpiration(uint64 minerId, uint64 sector, bytes calldata auxData) external returns (int256, int64) {
        return SectorStatus.Location(minerId, sector, auxData).tryGetSectorExpiration();
    }

    /// Nothing: the cost of a call to this contract, beside which the library's are measured.
    function nothing() external {}

    /// A plain CALL of `call_actor_id`, which the precompile refuses: whether it succeeded and
    /// what it returned.
    function plainCall(uint64 minerId, uint64 method, bytes calldata params)
        external
        returns (bool ok, bytes memory out)
    {
        (ok, out) = SectorStatus.CALL_ACTOR_ID.call(
            abi.encode(method, uint256(0), SectorStatus.READ_ONLY, SectorStatus.CBOR, params, minerId)
        );
    }

    /// A call of `method` of the actor at Filecoin address `filAddress` (its bytes) through
    /// `call_actor` (0xfe..03) with `flags`: the exit code and the return.
    function callActorByAddress(bytes memory filAddress, uint64 method, uint64 flags, bytes memory params)
        external
        returns (int256 exitCode, bytes memory ret)
    {
        (bool ok, bytes memory out) = address(0xfe00000000000000000000000000000000000003).delegatecall(
            abi.encode(method, uint256(0), flags, SectorStatus.CBOR, params, filAddress)
        );
        require(ok, "call_actor refused the call");
        (exitCode,, ret) = abi.decode(out, (int256, uint64, bytes));
    }

    /// A call of any method of actor `actorId` through `call_actor_id` with `flags`: the exit
    /// code and the return (the read-only flag's test writes through it).
    function callActor(uint64 actorId, uint64 method, uint64 flags, bytes calldata params)
        external
        returns (int256 exitCode, bytes memory ret)
    {
        (bool ok, bytes memory out) = SectorStatus.CALL_ACTOR_ID.delegatecall(
            abi.encode(method, uint256(0), flags, SectorStatus.CBOR, params, actorId)
        );
        require(ok, "call_actor_id refused the call");
        (exitCode,, ret) = abi.decode(out, (int256, uint64, bytes));
    }
}
