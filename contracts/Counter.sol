// SPDX-License-Identifier: MIT OR Apache-2.0
// A minimal contract the EVM actor's unit tests deploy: storage, an event, a revert with data.
pragma solidity 0.8.37;

contract Counter {
    uint256 public count;

    event Incremented(address indexed by, uint256 count);

    error TooLarge(uint256 count);

    function increment(uint256 by) external returns (uint256) {
        if (by > 100) revert TooLarge(by);
        count += by;
        emit Incremented(msg.sender, count);
        return count;
    }
}
