//! The 16 built-in actor types in manifest order. The FVM numbers built-in types by their position
//! in the bundle's manifest (starting at 1), so this order is part of the interface.

use num_derive::FromPrimitive;
use num_traits::FromPrimitive;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, FromPrimitive)]
#[repr(i32)]
pub enum Type {
    System = 1,
    Init = 2,
    Cron = 3,
    Account = 4,
    Power = 5,
    Miner = 6,
    Market = 7,
    PaymentChannel = 8,
    Multisig = 9,
    Reward = 10,
    VerifiedRegistry = 11,
    DataCap = 12,
    Placeholder = 13,
    EVM = 14,
    EAM = 15,
    EthAccount = 16,
}

/// Every type, in manifest order.
pub const ALL_TYPES: [Type; 16] = [
    Type::System,
    Type::Init,
    Type::Cron,
    Type::Account,
    Type::Power,
    Type::Miner,
    Type::Market,
    Type::PaymentChannel,
    Type::Multisig,
    Type::Reward,
    Type::VerifiedRegistry,
    Type::DataCap,
    Type::Placeholder,
    Type::EVM,
    Type::EAM,
    Type::EthAccount,
];

impl Type {
    /// The name the manifest gives this type.
    pub const fn name(self) -> &'static str {
        match self {
            Type::System => "system",
            Type::Init => "init",
            Type::Cron => "cron",
            Type::Account => "account",
            Type::Power => "storagepower",
            Type::Miner => "storageminer",
            Type::Market => "storagemarket",
            Type::PaymentChannel => "paymentchannel",
            Type::Multisig => "multisig",
            Type::Reward => "reward",
            Type::VerifiedRegistry => "verifiedregistry",
            Type::DataCap => "datacap",
            Type::Placeholder => "placeholder",
            Type::EVM => "evm",
            Type::EAM => "eam",
            Type::EthAccount => "ethaccount",
        }
    }

    /// The type with this manifest name.
    pub fn from_name(name: &str) -> Option<Type> {
        ALL_TYPES.iter().copied().find(|t| t.name() == name)
    }

    /// The type with this manifest position (1-based), as the FVM reports it.
    pub fn from_id(id: i32) -> Option<Type> {
        Type::from_i32(id)
    }
}

/// The types whose actors may sign messages and call methods as a principal.
pub const CALLER_TYPES_SIGNABLE: &[Type] = &[Type::Account, Type::Multisig, Type::EthAccount];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_order_and_names() {
        let names: Vec<&str> = ALL_TYPES.iter().map(|t| t.name()).collect();
        assert_eq!(
            names,
            [
                "system",
                "init",
                "cron",
                "account",
                "storagepower",
                "storageminer",
                "storagemarket",
                "paymentchannel",
                "multisig",
                "reward",
                "verifiedregistry",
                "datacap",
                "placeholder",
                "evm",
                "eam",
                "ethaccount"
            ]
        );
        for (i, t) in ALL_TYPES.iter().enumerate() {
            assert_eq!(*t as i32, i as i32 + 1);
            assert_eq!(Type::from_id(i as i32 + 1), Some(*t));
            assert_eq!(Type::from_name(t.name()), Some(*t));
        }
        assert_eq!(Type::from_id(0), None);
        assert_eq!(Type::from_id(17), None);
        assert_eq!(Type::from_name("miner"), None);
    }
}
