//! Drive-time analysis of each network: the hub, the staff tour, and the
//! patients' drive times, computed from drive-time matrices. Pure
//! computation: the routing layer supplies the times.

pub mod access;
pub mod branch_effect;
pub mod hub;
pub mod nearest;
pub mod network;
pub mod road_times;
pub mod routes;
pub mod run;
pub mod site_plan;
pub mod sites;
#[cfg(test)]
mod sites_tests;
pub mod stats;
pub mod tour;
pub mod transit;
