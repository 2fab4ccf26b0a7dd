// SPDX-License-Identifier: MIT OR Apache-2.0
// One function per class of opcodes, written in assembly where Solidity would hide the opcode,
// for the engines' opcode suite (integration_tests/tests/evm_opcodes.rs).
pragma solidity 0.8.37;

contract Opcodes {
    event Logged(uint256 indexed a, uint256 indexed b, uint256 indexed c, bytes data);

    error Refused(uint256 code, string why);

    /// Arithmetic and bit operations, each on fixed operands.
    function arithmetic() external pure returns (uint256[14] memory r) {
        assembly {
            let max := not(0)
            mstore(r, add(max, 2)) // wraps: 1
            mstore(add(r, 0x20), mul(max, 2)) // wraps: max - 1
            mstore(add(r, 0x40), div(7, 0)) // division by zero: 0
            mstore(add(r, 0x60), sdiv(sub(0, 7), 2)) // -3, rounds toward zero
            mstore(add(r, 0x80), smod(sub(0, 7), 2)) // -1, sign of the dividend
            mstore(add(r, 0xa0), addmod(max, 2, 7)) // (2^256 + 1) mod 7 = 3
            mstore(add(r, 0xc0), mulmod(max, max, 12)) // 9
            mstore(add(r, 0xe0), exp(2, 256)) // wraps: 0
            mstore(add(r, 0x100), signextend(0, 0x80)) // -128
            mstore(add(r, 0x120), sar(1, sub(0, 8))) // -4
            mstore(add(r, 0x140), shr(4, 0x1234)) // 0x123
            mstore(add(r, 0x160), byte(30, 0x1234)) // 0x12
            mstore(add(r, 0x180), slt(sub(0, 1), 0)) // 1
            mstore(add(r, 0x1a0), lt(sub(0, 1), 0)) // 0
        }
    }

    /// MSTORE8 and MCOPY: the word at 0x200 after writing a byte at 0x21f, and the word at 0x220
    /// after copying 16 bytes from 0x210 to 0x230.
    function memoryOps() external pure returns (uint256 word, uint256 copied) {
        assembly {
            mstore8(0x21f, 0xab)
            mcopy(0x230, 0x210, 0x10)
            word := mload(0x200)
            copied := mload(0x220)
        }
    }

    uint256[] public writes;

    /// SSTORE then SLOAD; TSTORE then TLOAD in the same transaction.
    function storeBoth(uint256 key, uint256 value) external returns (uint256 stored, uint256 tvalue) {
        assembly {
            sstore(key, value)
            tstore(key, value)
            stored := sload(key)
            tvalue := tload(key)
        }
    }

    /// SLOAD and TLOAD in a later transaction: storage kept, transient storage gone.
    function loadBoth(uint256 key) external view returns (uint256 stored, uint256 tvalue) {
        assembly {
            stored := sload(key)
            tvalue := tload(key)
        }
    }

    /// LOG0 to LOG4.
    function logs() external {
        assembly {
            mstore(0, 0xaa)
            log0(0x1f, 1)
            log1(0x1f, 1, 1)
            log2(0x1f, 1, 1, 2)
            log3(0x1f, 1, 1, 2, 3)
            log4(0, 0, 1, 2, 3, 4)
        }
        emit Logged(5, 6, 7, hex"beef");
    }

    /// Block and transaction data.
    function blockData()
        external
        view
        returns (uint256 number, uint256 timestamp, uint256 basefee, uint256 gaslimit, address coinbase, address origin)
    {
        return (block.number, block.timestamp, block.basefee, block.gaslimit, block.coinbase, tx.origin);
    }

    /// SHA-256, RIPEMD-160, identity and MODEXP precompiles.
    function precompiles()
        external
        view
        returns (bytes32 sha, bytes20 ripemd, bytes memory identity, uint256 modexp)
    {
        sha = sha256("abc");
        ripemd = ripemd160("abc");
        (, identity) = address(4).staticcall(hex"c0ffee");
        // 3^5 mod 7, lengths of one byte each.
        (, bytes memory out) = address(5).staticcall(abi.encodePacked(uint256(1), uint256(1), uint256(1), hex"030507"));
        modexp = uint8(out[0]);
    }

    /// ECRECOVER and BN254 point addition.
    function curves(bytes32 digest, uint8 v, bytes32 r, bytes32 s, uint256[4] calldata points)
        external
        view
        returns (address signer, uint256 x, uint256 y)
    {
        signer = ecrecover(digest, v, r, s);
        (, bytes memory sum) = address(6).staticcall(abi.encode(points));
        (x, y) = abi.decode(sum, (uint256, uint256));
    }

    /// Filecoin's resolve_address (0xfe..01) of Filecoin address bytes and
    /// lookup_delegated_address (0xfe..02) of an actor ID.
    function filecoinAddresses(bytes calldata filAddress, uint64 actorId)
        external
        view
        returns (bytes memory resolved, bytes memory delegated)
    {
        (, resolved) = address(0xFE00000000000000000000000000000000000001).staticcall(filAddress);
        (, delegated) = address(0xfE00000000000000000000000000000000000002).staticcall(abi.encode(actorId));
    }

    /// EXTCODESIZE, EXTCODEHASH and EXTCODECOPY of `target`.
    function codeOf(address target)
        external
        view
        returns (uint256 size, bytes32 hash, bytes memory code)
    {
        size = target.code.length;
        hash = target.codehash;
        code = target.code;
    }

    /// A STATICCALL of `target` with `input`: whether it succeeded and what it returned.
    function staticcallRaw(address target, bytes calldata input)
        external
        view
        returns (bool ok, bytes memory out)
    {
        (ok, out) = target.staticcall(input);
    }

    /// Hashes `rounds` times (to burn gas).
    function burn(uint256 rounds) external pure returns (bytes32 h) {
        for (uint256 i = 0; i < rounds; i++) {
            h = keccak256(abi.encode(h));
        }
    }

    /// A CALL of `target` with `data` and at most `gasLimit` (FVM gas, as the FEVM counts it):
    /// whether it succeeded, and GAS afterwards.
    function callWithGas(address target, uint256 gasLimit, bytes calldata data)
        external
        returns (bool ok, uint256 left)
    {
        (ok,) = target.call{gas: gasLimit}(data);
        left = gasleft();
    }

    /// Reverts with a custom error.
    function refuse(uint256 code) external pure {
        revert Refused(code, "no");
    }

    /// Accepts value; returns the balance.
    function deposit() external payable returns (uint256) {
        return address(this).balance;
    }

    /// Writes storage (for STATICCALL and DELEGATECALL). Payable: a DELEGATECALL keeps the
    /// caller's value.
    function write(uint256 value) external payable returns (uint256) {
        writes.push(value);
        return writes.length;
    }

    /// CALL with value, CALL that reverts with data, STATICCALL to a writer, DELEGATECALL of a
    /// writer, each of `other` (another instance of this contract).
    function calls(address other)
        external
        payable
        returns (
            bool valueOk,
            uint256 otherBalance,
            bool revertOk,
            bytes memory revertData,
            bool staticOk,
            bool delegateOk,
            uint256 ownWrites
        )
    {
        bytes memory ret;
        (valueOk, ret) = other.call{value: msg.value}(abi.encodeCall(this.deposit, ()));
        otherBalance = abi.decode(ret, (uint256));
        (revertOk, revertData) = other.call(abi.encodeCall(this.refuse, (7)));
        (staticOk,) = other.staticcall(abi.encodeCall(this.write, (1)));
        (delegateOk,) = other.delegatecall(abi.encodeCall(this.write, (2)));
        ownWrites = writes.length;
    }

    /// A CALL of `to` with `gasLimit` gas, the value sent with this call and no data: whether it
    /// succeeded.
    function pay(address to, uint256 gasLimit) external payable returns (bool ok) {
        assembly {
            ok := call(gasLimit, to, callvalue(), 0, 0, 0, 0)
        }
    }

    /// SELFDESTRUCT, paying the balance to `beneficiary`.
    function destroy(address payable beneficiary) external {
        selfdestruct(beneficiary);
    }
}
