//! Charts: every chart drawn from the tables and the plan ([`crate::report::figures`] does
//! the drawing, each chart on its own thread), as PNG bytes for the write stage.

use anyhow::{Context, Result};

use super::measure::Plan;
use crate::measure::Tables;

/// Every chart, as (file name, PNG bytes).
pub(crate) fn charts(tables: &Tables, plan: &Plan) -> Result<Vec<(&'static str, Vec<u8>)>> {
    crate::report::figures::render_all(tables, &plan.periods, plan.main())
        .context("drawing the charts")
}
