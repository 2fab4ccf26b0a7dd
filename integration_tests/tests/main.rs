//! Every engine scenario in one test binary: the real FVM compiles the bundle's modules once per
//! process, so one binary compiles them once rather than once per file (about 13 s each on two
//! cores). Each file is a module; `cargo test --test engines <module>::` runs one.

mod malformed;
mod v18_decoders;

mod bad_input;
mod block_penalty;
mod both_engines;
mod census_large_miner;
mod cron_events;
mod deals_life;
mod escrow_life;
mod evm_deploy;
mod evm_malformed_params;
mod evm_opcodes;
mod evm_out_of_gas;
mod evm_precompiles;
mod fevm_notification;
mod fevm_sector_status;
mod market_bad_input;
mod market_invariants;
mod multisig_malformed_params;
mod paych_malformed_params;
mod payment_channel;
mod provider_life;
mod replacement_enforcement;
mod replacement_sealing;
mod root_key_multisig;
mod sector_numbers;
mod sector_status_contract;
mod verified_bad_input;
mod verified_life;
mod verified_miner_paths;
mod window_post_dispute;
