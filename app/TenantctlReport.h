#pragma once

#include "TenantctlSupport.h"

namespace TenantDesk::Tenantctl::Report {

// tenantctl billing report --pdf FILE | --xlsx FILE | --output FILE.csv|.pdf|.xlsx [--tenant SLUG]
//                          [--since T] [--until T]
int billingReport(const Invocation& call);

// True when `arguments` run a command that draws (the PDF report): main() then makes a
// QGuiApplication, offscreen, instead of a QCoreApplication.
bool needsGui(const QStringList& arguments);

} // namespace TenantDesk::Tenantctl::Report
