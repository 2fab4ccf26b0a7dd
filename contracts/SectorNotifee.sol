// SPDX-License-Identifier: MIT OR Apache-2.0
// A contract that receives FIP-0109 notifications (`SectorContentChanged`) from miners through
// `handle_filecoin_method`, accepts every piece, and reads each notified sector's status from the
// notifying miner in the same transaction.
pragma solidity 0.8.37;

import "./SectorStatus.sol";

contract SectorNotifee {
    /// FRC-42 `SectorContentChanged`.
    uint64 internal constant SECTOR_CONTENT_CHANGED = 2034386435;

    /// What the contract learned of a notified sector.
    struct Record {
        uint64 minerId;
        uint64 sector;
        uint64 pieces;
        uint8 status;
        bool live;
        int64 expiration;
    }

    Record[] public records;

    event SectorNotified(uint64 indexed minerId, uint64 indexed sector, uint8 status, bool live, int64 expiration);

    error UnknownMethod(uint64 method);
    error NotCbor(uint64 codec);
    error NotAnActor(address sender);
    error Malformed();

    function recordCount() external view returns (uint256) {
        return records.length;
    }

    /// The FEVM hands every FRC-42 method to this function; only `SectorContentChanged` is
    /// handled. Params: `[[sector, minimum_commitment_epoch, [[data, size, payload], ...]], ...]`;
    /// the return accepts every piece: `[[true, ...], ...]`.
    function handle_filecoin_method(uint64 method, uint64 codec, bytes calldata params)
        external
        returns (uint32 exitCode, uint64 returnCodec, bytes memory ret)
    {
        if (method != SECTOR_CONTENT_CHANGED) revert UnknownMethod(method);
        if (codec != SectorStatus.CBOR) revert NotCbor(codec);
        uint64 minerId = actorId(msg.sender);
        bytes memory data = params;
        (uint8 major, uint64 sectors, uint256 offset) = SectorStatus.readHead(data, 0);
        if (major != 4) revert Malformed();
        ret = SectorStatus.cborHead(4, sectors);
        for (uint64 i = 0; i < sectors; i++) {
            uint64 sector;
            uint64 pieces;
            (sector, pieces, offset) = readSector(data, offset);
            ret = abi.encodePacked(ret, SectorStatus.cborHead(4, pieces));
            for (uint64 p = 0; p < pieces; p++) {
                ret = abi.encodePacked(ret, hex"f5");
            }
            record(minerId, sector, pieces);
        }
        if (offset != data.length) revert Malformed();
        return (0, SectorStatus.CBOR, ret);
    }

    /// Reads the sector's status from the miner that notified: a fresh location, then whether
    /// it is live and its expiration, all read-only.
    function record(uint64 minerId, uint64 sector, uint64 pieces) internal {
        (int256 code, SectorStatus.Status status, bytes memory location) =
            SectorStatus.tryGenerateSectorStatusInfo(minerId, sector);
        if (code != 0) revert SectorStatus.MinerCallFailed(code);
        bool live = SectorStatus.isLive(minerId, sector, location);
        int64 expiration = live ? SectorStatus.getSectorExpiration(minerId, sector, location) : int64(0);
        records.push(Record(minerId, sector, pieces, uint8(status), live, expiration));
        emit SectorNotified(minerId, sector, uint8(status), live, expiration);
    }

    /// One `[sector, minimum_commitment_epoch, pieces]`: the sector, its piece count and the
    /// offset after it.
    function readSector(bytes memory data, uint256 offset)
        internal
        pure
        returns (uint64 sector, uint64 pieces, uint256 end)
    {
        uint8 major;
        uint64 n;
        (major, n, offset) = SectorStatus.readHead(data, offset);
        if (major != 4 || n != 3) revert Malformed();
        (major, sector, offset) = SectorStatus.readHead(data, offset);
        if (major != 0) revert Malformed();
        (major,, offset) = SectorStatus.readHead(data, offset);
        if (major > 1) revert Malformed();
        (major, pieces, offset) = SectorStatus.readHead(data, offset);
        if (major != 4) revert Malformed();
        for (uint64 p = 0; p < pieces; p++) {
            offset = skip(data, offset);
        }
        return (sector, pieces, offset);
    }

    /// The offset after the CBOR item at `offset`.
    function skip(bytes memory data, uint256 offset) internal pure returns (uint256) {
        (uint8 major, uint64 n, uint256 end) = SectorStatus.readHead(data, offset);
        if (major == 2 || major == 3) {
            end += n;
            if (end > data.length) revert Malformed();
        } else if (major == 4) {
            for (uint64 i = 0; i < n; i++) {
                end = skip(data, end);
            }
        } else if (major == 6) {
            end = skip(data, end);
        } else if (major == 5) {
            revert Malformed();
        }
        return end;
    }

    /// The actor ID of a masked-ID Ethereum address (`0xff`, eleven zero bytes, the ID).
    function actorId(address sender) internal pure returns (uint64) {
        uint160 a = uint160(sender);
        if (a >> 64 != uint160(0xff) << 88) revert NotAnActor(sender);
        return uint64(a);
    }
}
