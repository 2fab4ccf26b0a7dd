// SPDX-License-Identifier: MIT OR Apache-2.0
// Contract creation on the FEVM: a factory whose CREATE and CREATE2 go through the EAM, the
// child it deploys, and who the contract sees as its caller and origin.
pragma solidity 0.8.37;

/// Deployed by `Factory`; its constructor stores a value, so creation runs init code.
contract Child {
    uint256 public value;

    constructor() payable {
        value = 7;
    }

    function ping() external pure returns (uint256) {
        return 42;
    }

    /// SELFDESTRUCT, paying the balance to the caller.
    function destroy() external {
        selfdestruct(payable(msg.sender));
    }
}

contract Factory {
    event Created(address child, uint256 value);

    /// CREATE: the child's address follows from this contract's address and nonce.
    function create() external payable returns (address child) {
        child = address(new Child{value: msg.value}());
        emit Created(child, msg.value);
    }

    /// CREATE2: the child's address follows from this contract's address, the salt and the
    /// child's init code (EIP-1014).
    function create2(bytes32 salt) external payable returns (address child) {
        child = address(new Child{salt: salt, value: msg.value}());
        emit Created(child, msg.value);
    }

    /// The caller and the transaction's origin, as the contract sees them.
    function who() external view returns (address sender, address origin) {
        return (msg.sender, tx.origin);
    }
}
