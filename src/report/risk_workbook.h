/*
 * The risk register as one workbook (XLSX, constant memory), for `isms risk
 * export --format xlsx`, GET /api/v1/risks/export.xlsx and the risks page:
 *
 *   register         the risks, as the export of any kind (record_export.h)
 *   actions          the treatment actions (risk-action records), the same way
 *   method           the method in force: the likelihood and impact scales (label,
 *                    description), the risk levels (label, colour, acceptance,
 *                    whether top management signs), and the matrix with each
 *                    cell's level label, filled with the level's colour
 *   heat map counts  the risks in force per likelihood x impact under that
 *                    method, current and residual scores (heatmap_data.h)
 *
 * Each sheet is written whole before the next begins, as constant-memory mode
 * needs. Without a method in force (an ISMS made with --risk-preset none) the
 * method and heat map sheets hold only their header.
 */
#ifndef ISMS_REPORT_RISK_WORKBOOK_H
#define ISMS_REPORT_RISK_WORKBOOK_H

#include "report/record_export.h"

isms_err risk_workbook_write(store_conn *c, const char *path, const export_options *opt,
                             isms_status *st);

/* The XLSX export of kind k into path: the risk workbook for risks, else one sheet. */
isms_err report_export_xlsx(store_conn *c, const isms_kind *k, const char *path,
                            const export_options *opt, isms_status *st);

#endif
