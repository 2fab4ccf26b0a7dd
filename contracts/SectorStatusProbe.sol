// SPDX-License-Identifier: MIT OR Apache-2.0
// A contract that reads sector status through the `SectorStatus` library and returns the
// miner's answers with its exit codes, for the tests to assert.
pragma solidity 0.8.37;

import "./SectorStatus.sol";

contract SectorStatusProbe {
    /// `GenerateSectorStatusInfo`, read-only: the miner's exit code, the sector's status and a
    /// fresh location.
    function locate(uint64 minerId, uint64 sector)
        external
        returns (int256 exitCode, uint8 status, bytes memory location)
    {
        SectorStatus.Status s;
        (exitCode, s, location) = SectorStatus.tryGenerateSectorStatusInfo(minerId, sector);
        status = uint8(s);
    }

    /// `ValidateSectorStatus` for Dead, Active and Faulty in turn, then `GetSectorExpiration`,
    /// each as the miner's exit code and answer.
    function read(uint64 minerId, uint64 sector, bytes calldata location)
        external
        returns (int256[4] memory exitCodes, bool[3] memory valid, int64 expiration)
    {
        for (uint8 s = 0; s < 3; s++) {
            (exitCodes[s], valid[s]) =
                SectorStatus.tryValidateSectorStatus(minerId, sector, SectorStatus.Status(s), location);
        }
        (exitCodes[3], expiration) = SectorStatus.tryGetSectorExpiration(minerId, sector, location);
    }

    /// One `ValidateSectorStatus` check that reverts on a failure (for its gas).
    function validate(uint64 minerId, uint64 sector, uint8 status, bytes calldata location)
        external
        returns (bool)
    {
        return SectorStatus.validateSectorStatus(minerId, sector, SectorStatus.Status(status), location);
    }

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
