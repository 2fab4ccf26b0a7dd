// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

import "../SectorStatus.sol";
import "../SectorNotifications.sol";

/// @title PieceEscrow
/// @notice An example of programmable storage built on the sector-status methods. A client
/// funds a deal for one piece with one storage provider (a miner actor), paid in equal parts
/// per period. The provider seals the piece with `ProveCommitSectors3`, naming this contract to
/// be notified with the deal ID as payload; the notification records the sector. From then on
/// anyone may call `claim`, which pays the provider (the miner actor's balance) for each whole
/// period elapsed while the sector validates as live: faulty counts, since a faulty sector can
/// recover. When the sector dies early the client calls `refund` and gets back every period not
/// yet paid.
/// @dev Periods due but not claimed before the sector died are the client's: the contract only
/// pays for a sector it can see live. Locations come from `SectorStatus.generateSectorStatusInfo`
/// (an eth_call off-chain); a stale one makes `claim` and `refund` revert with
/// `SectorStatus.StaleLocation`.
contract PieceEscrow {
    using SectorStatus for SectorStatus.Location;

    enum Stage {
        None,
        Funded,
        Stored,
        Closed
    }

    struct Deal {
        address client;
        uint64 provider;
        uint64 pieceSize;
        uint64 periods;
        uint64 periodsPaid;
        uint64 sector;
        uint64 storedAt;
        Stage stage;
        uint256 paymentPerPeriod;
        bytes pieceCid;
    }

    /// The length of a payment period, in epochs (the network's proving period is 2880).
    uint64 public immutable period;
    /// Deals by ID, from 1.
    mapping(uint256 => Deal) internal deals;
    uint256 public dealCount;

    event DealFunded(uint256 indexed dealId, address indexed client, uint64 indexed provider, uint256 amount);
    event SectorRecorded(uint256 indexed dealId, uint64 indexed provider, uint64 sector);
    event ProviderPaid(uint256 indexed dealId, uint64 periods, uint256 amount);
    event ClientRefunded(uint256 indexed dealId, uint256 amount);

    error InvalidFunding(uint256 amount, uint64 periods);
    error UnknownDeal(uint256 dealId);
    error NotTheClient(uint256 dealId, address caller);
    error NotTheProvider(uint256 dealId, uint64 minerId);
    error WrongPiece(uint256 dealId, uint64 sector);
    error AlreadyStored(uint256 dealId);
    error NotStored(uint256 dealId);
    error NotActive(uint256 dealId, uint64 sector);
    error NothingDue(uint256 dealId);
    error SectorDead(uint256 dealId, uint64 sector);
    error SectorStillLive(uint256 dealId, uint64 sector);
    error DealClosed(uint256 dealId);
    error BadPayload(uint256 length);
    error TransferFailed(address to, uint256 amount);

    constructor(uint64 period_) {
        period = period_;
    }

    /// The client funds a deal for `pieceCid` (the CID's bytes) of padded size `pieceSize` with
    /// miner `provider`, paid over `periods` periods: the value must be a positive multiple of
    /// `periods`. Returns the deal ID the provider names in its notification payload.
    function fund(uint64 provider, bytes calldata pieceCid, uint64 pieceSize, uint64 periods)
        external
        payable
        returns (uint256 dealId)
    {
        if (periods == 0 || msg.value == 0 || msg.value % periods != 0) revert InvalidFunding(msg.value, periods);
        dealId = ++dealCount;
        Deal storage d = deals[dealId];
        d.client = msg.sender;
        d.provider = provider;
        d.pieceCid = pieceCid;
        d.pieceSize = pieceSize;
        d.periods = periods;
        d.paymentPerPeriod = msg.value / periods;
        d.stage = Stage.Funded;
        emit DealFunded(dealId, msg.sender, provider, msg.value);
    }

    /// FIP-0109 notifications: each piece's payload is a deal ID (one ABI word). A piece is
    /// accepted, and its sector recorded, only from the deal's provider, for the deal's piece,
    /// in a sector that is active now; anything else reverts, which fails the provider's
    /// notification.
    function handle_filecoin_method(uint64 method, uint64 codec, bytes calldata params)
        external
        returns (uint32 exitCode, uint64 returnCodec, bytes memory ret)
    {
        SectorNotifications.SectorChanges[] memory sectors = SectorNotifications.decode(method, codec, params);
        uint64 minerId = SectorNotifications.actorId(msg.sender);
        bool[][] memory accepted = SectorNotifications.answerFor(sectors);
        for (uint256 i = 0; i < sectors.length; i++) {
            for (uint256 j = 0; j < accepted[i].length; j++) {
                record(minerId, sectors[i].sector, sectors[i].pieces[j]);
                accepted[i][j] = true;
            }
        }
        return (0, SectorNotifications.CBOR, SectorNotifications.encodeReturn(accepted));
    }

    /// Pays the provider for every whole period elapsed since the sector was recorded and not yet
    /// paid, if the sector is live at `auxData` (its location, from `generateSectorStatusInfo`).
    function claim(uint256 dealId, bytes calldata auxData) external {
        Deal storage d = stored(dealId);
        uint64 elapsed = (uint64(block.number) - d.storedAt) / period;
        uint64 due = (elapsed < d.periods ? elapsed : d.periods) - d.periodsPaid;
        if (due == 0) revert NothingDue(dealId);
        if (!location(d, auxData).isLive()) revert SectorDead(dealId, d.sector);
        d.periodsPaid += due;
        if (d.periodsPaid == d.periods) d.stage = Stage.Closed;
        uint256 amount = due * d.paymentPerPeriod;
        emit ProviderPaid(dealId, due, amount);
        transfer(SectorNotifications.actorAddress(d.provider), amount);
    }

    /// The client takes back every period not yet paid, once the sector is dead at `auxData`.
    function refund(uint256 dealId, bytes calldata auxData) external {
        Deal storage d = stored(dealId);
        if (msg.sender != d.client) revert NotTheClient(dealId, msg.sender);
        if (location(d, auxData).isLive()) revert SectorStillLive(dealId, d.sector);
        uint256 amount = (d.periods - d.periodsPaid) * d.paymentPerPeriod;
        d.stage = Stage.Closed;
        emit ClientRefunded(dealId, amount);
        transfer(d.client, amount);
    }

    /// A deal's stage, recorded sector, periods paid, and the escrow it still holds.
    function dealState(uint256 dealId)
        external
        view
        returns (Stage stage, uint64 sector, uint64 periodsPaid, uint256 held)
    {
        Deal storage d = deals[dealId];
        held = d.stage == Stage.Closed ? 0 : (d.periods - d.periodsPaid) * d.paymentPerPeriod;
        return (d.stage, d.sector, d.periodsPaid, held);
    }

    /// Checks one notified piece and records its sector for the deal its payload names.
    function record(uint64 minerId, uint64 sector, SectorNotifications.Piece memory piece) internal {
        if (piece.payload.length != 32) revert BadPayload(piece.payload.length);
        uint256 dealId = abi.decode(piece.payload, (uint256));
        Deal storage d = deals[dealId];
        if (d.stage == Stage.None) revert UnknownDeal(dealId);
        if (d.stage != Stage.Funded) revert AlreadyStored(dealId);
        if (minerId != d.provider) revert NotTheProvider(dealId, minerId);
        if (piece.size != d.pieceSize || keccak256(piece.data) != keccak256(d.pieceCid)) {
            revert WrongPiece(dealId, sector);
        }
        (SectorStatus.Status status,) = SectorStatus.generateSectorStatusInfo(minerId, sector);
        if (status != SectorStatus.Status.Active) revert NotActive(dealId, sector);
        d.sector = sector;
        d.storedAt = uint64(block.number);
        d.stage = Stage.Stored;
        emit SectorRecorded(dealId, minerId, sector);
    }

    /// The deal, which must hold a recorded sector and be open.
    function stored(uint256 dealId) internal view returns (Deal storage d) {
        d = deals[dealId];
        if (d.stage == Stage.None) revert UnknownDeal(dealId);
        if (d.stage == Stage.Funded) revert NotStored(dealId);
        if (d.stage == Stage.Closed) revert DealClosed(dealId);
    }

    function location(Deal storage d, bytes calldata auxData) internal view returns (SectorStatus.Location memory) {
        return SectorStatus.Location(d.provider, d.sector, auxData);
    }

    /// Pays `amount` to `to` with a CALL that passes no gas and no data, which the FEVM makes a
    /// bare transfer (method 0) that every actor accepts. A call with gas would invoke the
    /// receiver instead, and a miner actor refuses to be invoked so.
    function transfer(address to, uint256 amount) internal {
        bool ok;
        assembly ("memory-safe") {
            ok := call(0, to, amount, 0, 0, 0, 0)
        }
        if (!ok) revert TransferFailed(to, amount);
    }
}
