#!/usr/bin/env python3
"""Writes the synthetic billing samples of this folder (see README.md) and prints their totals.

Deterministic: the same files on every run. Amounts are summed with Decimal, never float."""
import csv
import io
import json
import random
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
rng = random.Random(6)

TENANTS = ["acme", "globex", "initech", ""]
AWS_SERVICES = [  # product code, product name, region
    ("AmazonEC2", "Amazon Elastic Compute Cloud", "us-east-1"),
    ("AmazonS3", "Amazon Simple Storage Service", "us-east-1"),
    ("AmazonRDS", "Amazon Relational Database Service", "eu-west-1"),
    ("AWSLambda", "AWS Lambda", "eu-west-1"),
    ("AmazonCloudWatch", "AmazonCloudWatch", "us-east-1"),
    ("AWSSupportBusiness", "AWS Support (Business)", ""),
]
AWS_TYPES = ["Usage"] * 8 + ["DiscountedUsage", "SavingsPlanCoveredUsage", "Tax", "Credit", "RIFee"]
AZURE_SERVICES = [("Virtual Machines", "East US"), ("Storage", "eastus"), ("Bandwidth", "West Europe"),
                  ("SQL Database", "westeurope"), ("Azure Monitor", "eastus"), ("Power BI", "")]
AZURE_TYPES = ["Usage"] * 8 + ["Purchase", "Refund", "UnusedReservation"]


def amount(scale=10):
    return Decimal(rng.randrange(0, scale * 10**10)) / Decimal(10**10)


def write(name, header, rows, bom=False, crlf=False):
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = out.getvalue().encode()
    if bom:
        data = b"\xef\xbb\xbf" + data
    (HERE / name).write_bytes(data)


def totals(name, billed, listed, lines, currency):
    print(f"| `{name}` | {lines} | {sum(billed, Decimal(0))} | {sum(listed, Decimal(0))} | {currency} |")


def aws_cur():
    header = ["identity/LineItemId", "identity/TimeInterval", "bill/PayerAccountId", "bill/BillingPeriodStartDate",
              "bill/BillingPeriodEndDate", "lineItem/UsageAccountId", "lineItem/LineItemType",
              "lineItem/UsageStartDate", "lineItem/UsageEndDate", "lineItem/ProductCode", "lineItem/ResourceId",
              "lineItem/UsageAmount", "lineItem/CurrencyCode", "lineItem/UnblendedCost",
              "lineItem/NetUnblendedCost", "product/ProductName", "product/region", "pricing/publicOnDemandCost",
              "resourceTags/user:tenant", "resourceTags/user:env"]
    rows, billed, listed = [], [], []
    for i in range(30):
        code, name, region = AWS_SERVICES[i % len(AWS_SERVICES)]
        kind = AWS_TYPES[i % len(AWS_TYPES)]
        hour = i % 24
        cost = amount()
        if kind == "Credit":
            cost = -cost
        public = "" if kind in ("Tax", "Credit") else str(cost + Decimal("0.5"))
        net = "" if i % 7 == 0 else str(cost)
        text = str(cost)
        if i == 5:
            text = "1.2E-5"  # as some exporters write small amounts
            cost = Decimal("0.000012")
            net = "0.000012"
        billed.append(cost)
        listed.append(Decimal(public) if public else Decimal(0))
        rows.append([f"li-{i:04d}", f"2024-09-{1 + i % 28:02d}T{hour:02d}:00:00Z/2024-09-{1 + i % 28:02d}T{hour:02d}:59:59Z",
                     "111122223333", "2024-09-01T00:00:00Z", "2024-10-01T00:00:00Z",
                     ["444455556666", "777788889999"][i % 2], kind,
                     f"2024-09-{1 + i % 28:02d}T{hour:02d}:00:00Z", f"2024-09-{1 + i % 28:02d}T{hour:02d}:59:59Z",
                     code, f"i-{i:08x}" if code == "AmazonEC2" else "", "1.0", "USD", text, net, name, region,
                     public, TENANTS[i % len(TENANTS)], "prod" if i % 3 else ""])
    write("aws_cur_legacy.csv", header, rows)
    totals("aws_cur_legacy.csv", billed, listed, len(rows), "USD")


def aws_cur2():
    header = ["identity_line_item_id", "bill_billing_period_start_date", "bill_billing_period_end_date",
              "bill_payer_account_id", "bill_payer_account_name", "line_item_usage_account_id",
              "line_item_usage_account_name", "line_item_line_item_type", "line_item_usage_start_date",
              "line_item_usage_end_date", "line_item_product_code", "line_item_resource_id",
              "line_item_currency_code", "line_item_unblended_cost", "line_item_net_unblended_cost",
              "pricing_public_on_demand_cost", "product_servicecode", "product_region_code", "product",
              "resource_tags"]
    rows, billed, listed = [], [], []
    for i in range(30):
        code, name, region = AWS_SERVICES[i % len(AWS_SERVICES)]
        kind = AWS_TYPES[(i + 3) % len(AWS_TYPES)]
        cost = amount(20)
        if kind == "Credit":
            cost = -cost
        public = cost + Decimal("1.25")
        billed.append(cost)
        listed.append(public)
        tags = {}
        if TENANTS[i % len(TENANTS)]:
            tags["user_tenant"] = TENANTS[i % len(TENANTS)]
        if i % 2:
            tags["user_cost_center"] = f"cc-{i % 5}"
        day = 1 + i % 30
        rows.append([f"li2-{i:04d}", "2024-09-01T00:00:00.000Z", "2024-10-01T00:00:00.000Z", "111122223333",
                     "Example Payer", ["444455556666", "777788889999"][i % 2], ["Production", "Staging"][i % 2], kind,
                     f"2024-09-{day:02d}T00:00:00.000Z", f"2024-09-{day:02d}T01:00:00.000Z", code,
                     f"arn:aws:s3:::bucket-{i}" if code == "AmazonS3" else "", "EUR", str(cost), str(cost),
                     str(public), code, region, json.dumps({"product_name": name, "region": region}),
                     json.dumps(tags) if tags else ""])
    write("aws_cur2.csv", header, rows)
    totals("aws_cur2.csv", billed, listed, len(rows), "EUR")


def azure_ea():
    header = ["InvoiceSectionName", "AccountName", "AccountOwnerId", "SubscriptionId", "SubscriptionName",
              "ResourceGroup", "ResourceLocation", "Date", "ProductName", "MeterCategory", "MeterSubCategory",
              "MeterId", "MeterName", "MeterRegion", "UnitOfMeasure", "Quantity", "EffectivePrice",
              "CostInBillingCurrency", "CostCenter", "ConsumedService", "ResourceId", "Tags", "OfferId",
              "AdditionalInfo", "ChargeType", "Frequency", "PricingModel", "BillingAccountId",
              "BillingAccountName", "BillingPeriodStartDate", "BillingPeriodEndDate", "BillingProfileId",
              "BillingProfileName", "BillingCurrencyCode", "PayGPrice", "UnitPrice"]
    rows, billed, listed = [], [], []
    for i in range(30):
        meter, location = AZURE_SERVICES[i % len(AZURE_SERVICES)]
        kind = AZURE_TYPES[i % len(AZURE_TYPES)]
        quantity = Decimal(rng.randrange(1, 48))
        price = Decimal(rng.randrange(1, 500000)) / Decimal(10**6)
        cost = (quantity * price * Decimal("0.9")).quantize(Decimal("0.000001"))
        if kind == "Refund":
            cost = -cost
        billed.append(cost)
        listed.append(quantity * price)
        tenant = TENANTS[i % len(TENANTS)]
        # EA writes tags as "key": "value" pairs without braces.
        tags = f'"tenant": "{tenant}","env": "prod"' if tenant else ""
        day = 1 + i % 30
        rows.append(["Engineering", "Platform", "owner@example.com", f"00000000-0000-0000-0000-00000000000{i % 3}",
                     f"Subscription {i % 3}", f"rg-{i % 4}", location, f"09/{day:02d}/2024", f"{meter} product",
                     meter, "General", f"meter-{i}", "Usage", location, "1 Hour", str(quantity), str(price),
                     str(cost), "CC-1", "Microsoft.Compute",
                     f"/subscriptions/00000000-0000-0000-0000-00000000000{i % 3}/resourceGroups/rg-{i % 4}/providers/Microsoft.Compute/virtualMachines/vm-{i}",
                     tags, "MS-AZR-0017P", "{}", kind, "UsageBased", "OnDemand", "12345678", "Contoso Enrollment",
                     "09/01/2024", "09/30/2024", "12345678", "Contoso", "USD", str(price), str(price)])
    write("azure_ea.csv", header, rows, bom=True, crlf=True)
    totals("azure_ea.csv", billed, listed, len(rows), "USD")


def azure_mca():
    header = ["invoiceId", "billingAccountId", "billingAccountName", "billingProfileId", "billingProfileName",
              "invoiceSectionId", "invoiceSectionName", "billingPeriodEndDate", "billingPeriodStartDate", "date",
              "serviceFamily", "consumedService", "meterId", "meterName", "meterCategory", "meterSubCategory",
              "meterRegion", "ProductId", "productOrderId", "productOrderName", "SubscriptionId",
              "subscriptionName", "resourceGroupName", "ResourceId", "resourceLocation", "quantity",
              "effectivePrice", "costInBillingCurrency", "paygCostInBillingCurrency", "billingCurrency",
              "pricingCurrency", "chargeType", "frequency", "pricingModel", "tags"]
    rows, billed, listed = [], [], []
    for i in range(30):
        meter, location = AZURE_SERVICES[(i + 2) % len(AZURE_SERVICES)]
        kind = AZURE_TYPES[(i + 4) % len(AZURE_TYPES)]
        cost = amount(30)
        if kind == "Refund":
            cost = -cost
        payg = cost + Decimal("0.75") if kind != "Refund" else cost
        billed.append(cost)
        listed.append(payg)
        tenant = TENANTS[i % len(TENANTS)]
        tags = json.dumps({"tenant": tenant, "costCenter": "42"}) if tenant else ""
        day = 1 + i % 30
        rows.append(["", "abcd-1234:5678", "Contoso Ltd", "BP-1", "Contoso Billing", "IS-1", "Platform",
                     "09/30/2024", "09/01/2024", f"09/{day:02d}/2024", "Compute", "Microsoft.Compute", f"meter-{i}",
                     "Usage", meter, "General", location, f"P-{i}", "", "", f"11111111-0000-0000-0000-00000000000{i % 2}",
                     f"Team {i % 2}", f"rg-{i % 3}", f"/subscriptions/x/resourceGroups/rg-{i % 3}/providers/y/z-{i}",
                     location, "1", str(cost), str(cost), str(payg), "GBP", "USD", kind, "UsageBased", "OnDemand",
                     tags])
    write("azure_mca.csv", header, rows)
    totals("azure_mca.csv", billed, listed, len(rows), "GBP")


def focus13():
    """FOCUS 1.3 as a provider might export it: ServiceProviderName (and HostProviderName) where 1.0
    had ProviderName, which this file leaves out; columns that 1.1 to 1.3 added; x_ columns of the
    provider's own. Its own random numbers, so that the other files stay as they were."""
    own = random.Random(13)
    header = ["AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName", "BillingAccountType",
              "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "CapacityReservationId",
              "CapacityReservationStatus", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency",
              "ChargePeriodEnd", "ChargePeriodStart", "CommitmentDiscountCategory", "CommitmentDiscountId",
              "CommitmentDiscountQuantity", "CommitmentDiscountStatus", "CommitmentDiscountType",
              "CommitmentDiscountUnit", "ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice",
              "EffectiveCost", "HostProviderName", "InvoiceId", "InvoiceIssuerName", "ListCost", "ListUnitPrice",
              "PricingCategory", "PricingCurrency", "PricingCurrencyContractedUnitPrice",
              "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice", "PricingQuantity", "PricingUnit",
              "RegionId", "RegionName", "ResourceId", "ResourceName", "ResourceType", "ServiceCategory",
              "ServiceName", "ServiceProviderName", "ServiceSubcategory", "SkuId", "SkuMeter", "SkuPriceDetails",
              "SkuPriceId", "SubAccountId", "SubAccountName", "SubAccountType", "Tags", "x_ServiceCode",
              "x_BillingExchangeRate"]
    services = [  # name, category, subcategory, provider, host, region
        ("Example Compute", "Compute", "Virtual Machines", "Example Cloud", "Example Cloud", "eu-central-1"),
        ("Example Object Storage", "Storage", "Object Storage", "Example Cloud", "Example Cloud", "eu-central-1"),
        ("Example Managed SQL", "Databases", "Relational Databases", "Example Cloud", "Example Cloud", "eu-west-1"),
        ("Example CDN", "Networking", "Content Delivery", "Example Cloud", "Example Cloud", ""),
        ("Vector Search", "AI and Machine Learning", "Other (AI and Machine Learning)", "Vectorly Inc.",
         "Example Cloud", "eu-west-1"),  # a marketplace service: another provider, hosted by the cloud
    ]
    kinds = ["Usage"] * 8 + ["Purchase", "Tax", "Credit", "Adjustment"]
    rate = Decimal("1.0850")  # USD per EUR
    rows, billed, listed = [], [], []
    for i in range(30):
        name, category, subcategory, provider, host, region = services[i % len(services)]
        kind = kinds[i % len(kinds)]
        quantity = Decimal(own.randrange(1, 240)) / Decimal(10)
        price = Decimal(own.randrange(1, 900000)) / Decimal(10**7)
        cost = (quantity * price).quantize(Decimal("0.0000000001"))
        list_cost = (cost * Decimal("1.2")).quantize(Decimal("0.0000000001"))
        if kind == "Credit":
            cost, list_cost = -cost, Decimal(0)
        elif kind == "Tax":
            list_cost = Decimal(0)
        billed.append(cost)
        listed.append(list_cost)
        tags = {"x_environment": ["production", "staging"][i % 2]}
        if TENANTS[i % len(TENANTS)]:
            tags["tenant"] = TENANTS[i % len(TENANTS)]
        day = 1 + i % 30
        usage = kind == "Usage"
        commitment = kind == "Purchase"
        rows.append(["eu-central-1a" if region == "eu-central-1" else "", str(cost), "ba-000111", "Example Org",
                     "Billing Account", "EUR", "2024-10-01T00:00:00Z", "2024-09-01T00:00:00Z",
                     f"cr-{i:04d}" if i % 10 == 3 else "", "Used" if i % 10 == 3 else "", kind,
                     "Correction" if kind == "Adjustment" else "", f"{name} {kind.lower()}",
                     "One-Time" if kind in ("Purchase", "Adjustment") else "Usage-Based",
                     f"2024-09-{day:02d}T{1 + i % 20:02d}:00:00Z", f"2024-09-{day:02d}T{i % 20:02d}:00:00Z",
                     "Spend" if commitment else "", f"cd-{i:04d}" if commitment else "",
                     "1" if commitment else "", "", "Savings Plan" if commitment else "",
                     "Hour" if commitment else "", str(quantity) if usage else "", "Hours" if usage else "",
                     str(cost), str(price) if usage else "", str(cost), host, f"INV-2024-09-{i % 2}",
                     "Example Cloud", str(list_cost), str((price * Decimal("1.2")).quantize(Decimal("0.0000001"))),
                     "Committed" if commitment else "Standard", "USD",
                     str((price * rate).quantize(Decimal("0.0000001"))), str((cost * rate).quantize(Decimal("0.0000000001"))),
                     str((price * Decimal("1.2") * rate).quantize(Decimal("0.0000001"))), str(quantity), "Hours",
                     region, region.replace("-", " ").title() if region else "",
                     f"res-{i:04d}" if usage else "", f"resource {i}" if usage else "", "Instance" if usage else "",
                     category, name, provider, subcategory, f"sku-{i % 5}", f"{subcategory} hours",
                     json.dumps({"CoreCount": 2 + i % 3}), f"skup-{i}", ["sa-100", "sa-200", "sa-300"][i % 3],
                     ["Team A", "Team B", "Team C"][i % 3], "Project", json.dumps(tags), f"svc-{i % 5}",
                     str(rate)])
    write("focus13.csv", header, rows)
    totals("focus13.csv", billed, listed, len(rows), "EUR")


if __name__ == "__main__":
    print("| File | Lines | BilledCost total | ListCost total | Currency |")
    print("|---|---|---|---|---|")
    aws_cur()
    aws_cur2()
    azure_ea()
    azure_mca()
    focus13()
