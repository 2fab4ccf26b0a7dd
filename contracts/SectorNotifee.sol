// SPDX-License-Identifier: MIT OR Apache-2.0
// A contract that receives FIP-0109 notifications (`SectorContentChanged`) from miners through
// `handle_filecoin_method`, accepts every piece, and reads each notified sector's status from the
// notifying miner in the same transaction.
pragma solidity 0.8.37;

import "./sector-status/SectorStatus.sol";
import "./sector-status/SectorNotifications.sol";

contract SectorNotifee {
    using SectorStatus for SectorStatus.Location;

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

    function recordCount() external view returns (uint256) {
        return records.length;
    }

    /// Accepts every piece of every sector, and records each sector.
    function handle_filecoin_method(uint64 method, uint64 codec, bytes calldata params)
        external
        returns (uint32 exitCode, uint64 returnCodec, bytes memory ret)
    {
        SectorNotifications.SectorChanges[] memory sectors = SectorNotifications.decode(method, codec, params);
        uint64 minerId = SectorNotifications.actorId(msg.sender);
        bool[][] memory accepted = SectorNotifications.answerFor(sectors);
        for (uint256 i = 0; i < sectors.length; i++) {
            for (uint256 p = 0; p < accepted[i].length; p++) {
                accepted[i][p] = true;
            }
            record(minerId, sectors[i].sector, uint64(accepted[i].length));
        }
        return (0, SectorNotifications.CBOR, SectorNotifications.encodeReturn(accepted));
    }

    /// Reads the sector's status from the miner that notified: a fresh location, then whether
    /// it is live and its expiration, all read-only.
    function record(uint64 minerId, uint64 sector, uint64 pieces) internal {
        (SectorStatus.Status status, SectorStatus.Location memory location) =
            SectorStatus.generateSectorStatusInfo(minerId, sector);
        bool live = location.isLive();
        int64 expiration = live ? location.getSectorExpiration() : int64(0);
        records.push(Record(minerId, sector, pieces, uint8(status), live, expiration));
        emit SectorNotified(minerId, sector, uint8(status), live, expiration);
    }
}
