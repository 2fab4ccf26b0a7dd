// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

import "./Cbor.sol";

/// @title SectorNotifications
/// @notice FIP-0109's `SectorContentChanged`: the notification a miner sends, from
/// `ProveCommitSectors3` or `ProveReplicaUpdates3`, to the actor each piece names. The FEVM hands
/// it to a contract's `handle_filecoin_method(uint64 method, uint64 codec, bytes params)`; this
/// library decodes the parameters and encodes the answer, which accepts or rejects each piece.
/// @dev `msg.sender` of a notification is the miner's masked-ID address. Any actor can send the
/// method, so a contract must check that the sender is the miner it expects: only that miner's
/// own code can send from its ID.
library SectorNotifications {
    /// The FRC-42 method number of `SectorContentChanged`.
    uint64 internal constant SECTOR_CONTENT_CHANGED = 2034386435;
    /// The codec of the parameters and the return (DAG-CBOR).
    uint64 internal constant CBOR = 0x51;
    /// The CBOR tag of a CID.
    uint64 internal constant CID_TAG = 42;

    /// A piece added to a sector: its CID (binary form), padded size and the payload the
    /// provider attached for the notified actor.
    struct Piece {
        bytes data;
        uint64 size;
        bytes payload;
    }

    /// The pieces added to one sector, and the epoch before which the sector commits to keep
    /// them.
    struct SectorChanges {
        uint64 sector;
        int64 minimumCommitmentEpoch;
        Piece[] pieces;
    }

    /// The FEVM handed the contract a method other than `SectorContentChanged`.
    error UnknownMethod(uint64 method);
    /// The parameters are not DAG-CBOR.
    error NotCbor(uint64 codec);
    /// The sender has no actor ID (a notification always comes from a miner's masked-ID address).
    error NotAnActor(address sender);

    /// The sectors and pieces of a `SectorContentChanged` call. Reverts with `UnknownMethod`,
    /// `NotCbor` or `Cbor.MalformedCbor` unless `method`, `codec` and `params` are one.
    function decode(uint64 method, uint64 codec, bytes memory params)
        internal
        pure
        returns (SectorChanges[] memory sectors)
    {
        if (method != SECTOR_CONTENT_CHANGED) revert UnknownMethod(method);
        if (codec != CBOR) revert NotCbor(codec);
        (uint64 count, uint256 offset) = Cbor.expect(params, 0, Cbor.ARRAY);
        sectors = new SectorChanges[](count);
        for (uint256 i = 0; i < count; i++) {
            offset = readSector(params, offset, sectors[i]);
        }
        if (offset != params.length) revert Cbor.MalformedCbor(offset);
    }

    /// An answer of the notification's shape with every piece rejected: set `accepted[i][j]` for
    /// each piece `j` of sector `i` the contract accepts, then encode it with `encodeReturn`.
    function answerFor(SectorChanges[] memory sectors) internal pure returns (bool[][] memory accepted) {
        accepted = new bool[][](sectors.length);
        for (uint256 i = 0; i < sectors.length; i++) {
            accepted[i] = new bool[](sectors[i].pieces.length);
        }
    }

    /// The answer to a notification: `accepted[i][j]` for piece `j` of sector `i`, in the
    /// notification's order. The miner requires the answer to have the notification's shape.
    function encodeReturn(bool[][] memory accepted) internal pure returns (bytes memory ret) {
        ret = Cbor.head(Cbor.ARRAY, uint64(accepted.length));
        for (uint256 i = 0; i < accepted.length; i++) {
            ret = abi.encodePacked(ret, Cbor.head(Cbor.ARRAY, uint64(accepted[i].length)));
            for (uint256 j = 0; j < accepted[i].length; j++) {
                ret = abi.encodePacked(ret, accepted[i][j] ? Cbor.TRUE : Cbor.FALSE);
            }
        }
    }

    /// The actor ID of a masked-ID address (`0xff`, eleven zero bytes, the ID); reverts with
    /// `NotAnActor` for any other address.
    function actorId(address sender) internal pure returns (uint64) {
        uint160 a = uint160(sender);
        if (a >> 64 != uint160(0xff) << 88) revert NotAnActor(sender);
        return uint64(a);
    }

    /// The masked-ID address of actor `id`, to which a contract sends value or calls.
    function actorAddress(uint64 id) internal pure returns (address) {
        return address(uint160(0xff) << 152 | uint160(id));
    }

    /// Reads `[sector, minimum_commitment_epoch, [[data, size, payload], ...]]` at `offset` into
    /// `out`; the offset after it.
    function readSector(bytes memory data, uint256 offset, SectorChanges memory out) private pure returns (uint256) {
        uint64 n;
        (n, offset) = Cbor.expect(data, offset, Cbor.ARRAY);
        if (n != 3) revert Cbor.MalformedCbor(offset);
        (out.sector, offset) = Cbor.expect(data, offset, Cbor.UNSIGNED);
        (out.minimumCommitmentEpoch, offset) = Cbor.readInt(data, offset);
        (n, offset) = Cbor.expect(data, offset, Cbor.ARRAY);
        out.pieces = new Piece[](n);
        for (uint256 i = 0; i < n; i++) {
            offset = readPiece(data, offset, out.pieces[i]);
        }
        return offset;
    }

    /// Reads `[data, size, payload]` at `offset` into `out`; the offset after it. `data` is a
    /// CID (tag 42 on a byte string led by the identity multibase prefix, 0x00).
    function readPiece(bytes memory data, uint256 offset, Piece memory out) private pure returns (uint256) {
        uint64 n;
        uint256 start = offset;
        (n, offset) = Cbor.expect(data, offset, Cbor.ARRAY);
        if (n != 3) revert Cbor.MalformedCbor(start);
        (n, offset) = Cbor.expect(data, offset, Cbor.TAG);
        if (n != CID_TAG) revert Cbor.MalformedCbor(start);
        bytes memory cid;
        (cid, offset) = Cbor.readBytes(data, offset);
        if (cid.length < 2 || cid[0] != 0x00) revert Cbor.MalformedCbor(start);
        out.data = Cbor.slice(cid, 1, cid.length - 1);
        (out.size, offset) = Cbor.expect(data, offset, Cbor.UNSIGNED);
        (out.payload, offset) = Cbor.readBytes(data, offset);
        return offset;
    }
}
