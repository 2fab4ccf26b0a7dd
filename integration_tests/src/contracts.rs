//! The Solidity interfaces of `contracts/` that the scenarios call, declared once for
//! `alloy-sol-types`, which encodes the call data and decodes returns, events and revert data
//! from them. Each declaration mirrors its contract's source.

alloy_sol_types::sol! {
    /// The errors of the `SectorStatus` library (`contracts/sector-status/SectorStatus.sol`),
    /// with which a contract using it reverts.
    #[derive(Debug, PartialEq)]
    library SectorStatus {
        error StaleLocation(uint64 minerId, uint64 sector);
        error SectorNotLive(uint64 minerId, uint64 sector);
        error MinerCallFailed(uint64 minerId, uint64 sector, int256 exitCode);
        error BadReturn(uint64 minerId, uint64 sector);
    }

    /// `contracts/SectorStatusProbe.sol`: each function of the library behind one entry point.
    #[derive(Debug, PartialEq)]
    interface SectorStatusProbe {
        function locate(uint64 minerId, uint64 sector) external returns (int256 exitCode, uint8 status, bytes auxData);
        function read(uint64 minerId, uint64 sector, bytes auxData)
            external
            returns (int256[5] exitCodes, bool[4] answers, int64 expiration);
        function generate(uint64 minerId, uint64 sector) external returns (uint8 status, bytes auxData);
        function validate(uint64 minerId, uint64 sector, uint8 status, bytes auxData) external returns (bool);
        function live(uint64 minerId, uint64 sector, bytes auxData) external returns (bool);
        function expirationOf(uint64 minerId, uint64 sector, bytes auxData) external returns (int64);
        function tryValidate(uint64 minerId, uint64 sector, uint8 status, bytes auxData) external returns (int256, bool);
        function tryLive(uint64 minerId, uint64 sector, bytes auxData) external returns (int256, bool);
        function tryExpiration(uint64 minerId, uint64 sector, bytes auxData) external returns (int256, int64);
        function nothing() external;
        function plainCall(uint64 minerId, uint64 method, bytes params) external returns (bool ok, bytes out);
        function callActorByAddress(bytes filAddress, uint64 method, uint64 flags, bytes params)
            external
            returns (int256 exitCode, bytes ret);
        function callActor(uint64 actorId, uint64 method, uint64 flags, bytes params)
            external
            returns (int256 exitCode, bytes ret);
    }

    /// `contracts/Counter.sol`.
    #[derive(Debug, PartialEq)]
    interface Counter {
        function increment(uint256 by) external returns (uint256);
    }

    /// `contracts/Factory.sol`: the factory, and the child it creates.
    #[derive(Debug, PartialEq)]
    interface Factory {
        function create() external payable returns (address child);
        function create2(bytes32 salt) external payable returns (address child);
        function who() external view returns (address sender, address origin);

        event Created(address child, uint256 value);
    }

    #[derive(Debug, PartialEq)]
    interface Child {
        function value() external view returns (uint256);
        function ping() external pure returns (uint256);
        function destroy() external;
    }

    /// `contracts/Opcodes.sol`.
    #[derive(Debug, PartialEq)]
    interface Opcodes {
        function arithmetic() external pure returns (uint256[14] r);
        function memoryOps() external pure returns (uint256 word, uint256 copied);
        function storeBoth(uint256 key, uint256 value) external returns (uint256 stored, uint256 tvalue);
        function loadBoth(uint256 key) external view returns (uint256 stored, uint256 tvalue);
        function logs() external;
        function blockData()
            external
            view
            returns (uint256 number, uint256 timestamp, uint256 basefee, uint256 gaslimit, address coinbase, address origin);
        function precompiles() external view returns (bytes32 sha, bytes20 ripemd, bytes identity, uint256 modexp);
        function curves(bytes32 digest, uint8 v, bytes32 r, bytes32 s, uint256[4] points)
            external
            view
            returns (address signer, uint256 x, uint256 y);
        function filecoinAddresses(bytes filAddress, uint64 actorId)
            external
            view
            returns (bytes resolved, bytes delegated);
        function staticcallRaw(address target, bytes input) external view returns (bool ok, bytes out);
        function burn(uint256 rounds) external pure returns (bytes32 h);
        function callWithGas(address target, uint256 gasLimit, bytes data) external returns (bool ok, uint256 left);
        function deposit() external payable returns (uint256);
        function calls(address other)
            external
            payable
            returns (
                bool valueOk,
                uint256 otherBalance,
                bool revertOk,
                bytes revertData,
                bool staticOk,
                bool delegateOk,
                uint256 ownWrites
            );
        function destroy(address beneficiary) external;

        event Logged(uint256 indexed a, uint256 indexed b, uint256 indexed c, bytes data);

        error Refused(uint256 code, string why);
    }

    /// `contracts/SectorNotifee.sol`.
    #[derive(Debug, PartialEq)]
    interface SectorNotifee {
        function recordCount() external view returns (uint256);
        function records(uint256 index)
            external
            view
            returns (uint64 minerId, uint64 sector, uint64 pieces, uint8 status, bool live, int64 expiration);

        event SectorNotified(uint64 indexed minerId, uint64 indexed sector, uint8 status, bool live, int64 expiration);
    }

    /// `contracts/sector-status/examples/PieceEscrow.sol`.
    #[derive(Debug, PartialEq)]
    interface PieceEscrow {
        function fund(uint64 provider, bytes pieceCid, uint64 pieceSize, uint64 periods)
            external
            payable
            returns (uint256 dealId);
        function claim(uint256 dealId, bytes auxData) external;
        function refund(uint256 dealId, bytes auxData) external;
        function dealState(uint256 dealId)
            external
            view
            returns (uint8 stage, uint64 sector, uint64 periodsPaid, uint256 held);
        function period() external view returns (uint64);

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
    }
}
