//! The command line's pieces: argument groups shared by subcommands
//! ([`input`]), one module per subcommand, and progress on stderr.

pub mod analyse;
pub mod check;
pub mod config;
pub mod config_cmd;
pub mod import;
pub mod input;
pub mod progress;
pub mod propose;
pub mod roads;
pub mod settings;
pub mod stage_stats;
pub mod transit;
pub mod whatif;
