#!/usr/bin/env python3
"""Writes the derived fixtures of tests/fixtures/exports/ from their sources.

The FOCUS export `tests/fixtures/focus/genai_tokens_focus.csv` is written
again as gzip CSV (gzip header time 0, so the bytes do not change between
runs) and as JSON (an array of row objects, every cell a string, as the
CSV holds it), so that tests can check that the three read the same.
Run from the repository root; the output is committed.
"""
import csv
import gzip
import json
import pathlib

SRC = pathlib.Path("tests/fixtures/focus/genai_tokens_focus.csv")
OUT = pathlib.Path("tests/fixtures/exports")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    raw = SRC.read_bytes()
    with open(OUT / "focus_tokens.csv.gz", "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as g:
            g.write(raw)
    with open(SRC, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    (OUT / "focus_tokens.json").write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()


# --- Vendor usage exports, in the shapes the vendors document -------------
# (sources in tests/fixtures/ATTRIBUTION.md). The token figures are few and
# round, so that tests/cli/exports.rs states each expected sum by hand.

DAY = 86400
NOV_1_2026 = 1793491200  # 2026-11-01T00:00:00Z
MIN_0 = NOV_1_2026 + 16 * DAY + 10 * 3600  # 2026-11-17T10:00:00Z


def openai_result(model, inp, cached, out, batch=False, project=None, requests=1):
    """One `organization.usage.completions.result` (OpenAI API spec)."""
    return {
        "object": "organization.usage.completions.result",
        "input_tokens": inp,
        "output_tokens": out,
        "input_cached_tokens": cached,
        "input_audio_tokens": 0,
        "output_audio_tokens": 0,
        "num_model_requests": requests,
        "project_id": project,
        "user_id": None,
        "api_key_id": None,
        "model": model,
        "batch": batch,
    }


def openai_page(buckets, width, has_more, next_page):
    data = []
    for start, results in buckets:
        data.append({"object": "bucket", "start_time": start, "end_time": start + width, "results": results})
    return {"object": "page", "data": data, "has_more": has_more, "next_page": next_page}


def openai_daily():
    """Two pages (an array) of 1d buckets, 2026-11-01 to 2026-12-31, group_by=model."""
    usage = {
        2: [openai_result("gpt-6.2-sol-2026-11-17", 1_000_000, 400_000, 200_000, requests=120),
            openai_result("gpt-6.2-sol-2026-11-17", 500_000, 0, 100_000, batch=True, requests=40)],
        19: [openai_result("gpt-6.2-sol", 300_000, 100_000, 50_000)],
        34: [openai_result("gpt-4.1-2025-04-14", 2_000, 0, 1_000)],
        39: [openai_result("gpt-6.2-sol-2026-11-17", 800_000, 300_000, 90_000)],
    }
    days = [(NOV_1_2026 + d * DAY, usage.get(d, [])) for d in range(61)]
    pages = [openai_page(days[:31], DAY, True, "page_AAA"), openai_page(days[31:], DAY, False, None)]
    (OUT / "openai_usage_1d.json").write_text(json.dumps(pages, indent=1) + "\n")


def openai_minutes():
    """JSON lines of two pages of 1m buckets, 10:00 to 10:11 on 2026-11-17."""
    usage = {
        0: [openai_result("gpt-6.2-sol-2026-11-17", 1000, 200, 100)],
        2: [openai_result("gpt-6.2-sol-2026-11-17", 3000, 0, 500)],
        4: [openai_result("gpt-6.2-sol-2026-11-17", 500, 100, 50)],
        9: [openai_result("gpt-6.2-sol-2026-11-17", 2000, 1000, 0)],
    }
    mins = [(MIN_0 + m * 60, usage.get(m, [])) for m in range(12)]
    pages = [openai_page(mins[:6], 60, True, "page_BBB"), openai_page(mins[6:], 60, False, None)]
    (OUT / "openai_usage_1m.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pages))


def openai_dashboard():
    """The dashboard's usage CSV: floats, TRUE/FALSE, days without use as empty cells."""
    cols = ("start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,"
            "model,batch,service_tier,input_tokens,output_tokens,input_cached_tokens,input_uncached_tokens,"
            "input_text_tokens,output_text_tokens,input_cached_text_tokens,input_audio_tokens,"
            "input_cached_audio_tokens,output_audio_tokens,input_image_tokens,input_cached_image_tokens,"
            "output_image_tokens").split(",")

    def day(d):
        s = NOV_1_2026 + d * DAY
        iso = lambda t: __import__("datetime").datetime.fromtimestamp(t, __import__("datetime").timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        return {"start_time": s, "end_time": s + DAY, "start_time_iso": iso(s), "end_time_iso": iso(s + DAY)}

    def used(d, project, model, batch, inp, out, cached, requests):
        r = day(d)
        r.update(project_id=project, num_model_requests=f"{requests:.1f}", model=model, batch=batch,
                 service_tier="default", input_tokens=f"{inp:.1f}", output_tokens=f"{out:.1f}",
                 input_cached_tokens=f"{cached:.1f}", input_uncached_tokens=f"{inp - cached:.1f}",
                 input_text_tokens=f"{inp:.1f}", output_text_tokens=f"{out:.1f}",
                 input_cached_text_tokens=f"{cached:.1f}")
        return r

    rows = [day(0),
            used(1, "proj_a", "gpt-6.2-sol-2026-11-17", "FALSE", 1500, 300, 500, 3),
            used(1, "proj_a", "gpt-6-luna-2026-08-01", "FALSE", 70, 20, 0, 1),
            {},
            used(14, "proj_b", "gpt-6.2-sol-2026-11-17", "TRUE", 4000, 1000, 0, 2),
            day(29)]
    with open(OUT / "openai_dashboard.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(r)


def anthropic_result(model, uncached, read, w5, w1h, out, tier="standard", workspace="wrkspc_a"):
    """One result of the usage report (`GET /v1/organizations/usage_report/messages`)."""
    return {
        "uncached_input_tokens": uncached,
        "cache_creation": {"ephemeral_1h_input_tokens": w1h, "ephemeral_5m_input_tokens": w5},
        "cache_read_input_tokens": read,
        "output_tokens": out,
        "server_tool_use": {"web_search_requests": 0},
        "api_key_id": None,
        "workspace_id": workspace,
        "model": model,
        "service_tier": tier,
        "context_window": "0-200k",
    }


def anthropic_daily():
    """One page of 1d buckets in November 2026 (empty days omitted but the last)."""
    iso = lambda d: f"2026-11-{d:02d}T00:00:00Z" if d <= 30 else "2026-12-01T00:00:00Z"
    buckets = [
        (1, [anthropic_result("claude-sonnet-5-5-20261002", 120_000, 800_000, 40_000, 10_000, 60_000)]),
        (2, [anthropic_result("claude-sonnet-5-5-20261002", 30_000, 0, 0, 0, 9_000, tier="batch"),
             anthropic_result("claude-haiku-5-5", 5_000, 1_000, 500, 0, 2_000, workspace="wrkspc_b")]),
        (30, []),
    ]
    data = [{"starting_at": iso(d), "ending_at": iso(d + 1), "results": r} for d, r in buckets]
    page = {"data": data, "has_more": False, "next_page": None}
    (OUT / "anthropic_usage_1d.json").write_text(json.dumps(page, indent=1) + "\n")


def anthropic_cost():
    """The cost report: amounts in cents, as decimal strings."""
    res = lambda amount, tt: {"currency": "USD", "amount": amount, "workspace_id": None, "description": None,
                              "cost_type": "tokens", "context_window": "0-200k",
                              "model": "claude-sonnet-5-5-20261002", "service_tier": "standard",
                              "token_type": tt}
    data = [{"starting_at": "2026-11-01T00:00:00Z", "ending_at": "2026-11-02T00:00:00Z",
             "results": [res("36.00", "uncached_input_tokens"), res("8.125", "cache_read_input_tokens")]}]
    (OUT / "anthropic_cost_1d.json").write_text(json.dumps({"data": data, "has_more": False, "next_page": None}, indent=1) + "\n")


def vendors():
    openai_daily()
    openai_minutes()
    openai_dashboard()
    anthropic_daily()
    anthropic_cost()


if __name__ == "__main__":
    vendors()


def parquet_fixtures():
    """The FOCUS export as Parquet (Snappy), with its columns typed as FOCUS
    types them: ChargePeriodStart/End as timestamps, ConsumedQuantity and
    BilledCost as doubles, the rest strings (NULL cells as nulls). And the
    same file without ConsumedQuantity, for the missing-column error."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with open(SRC, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    names = list(rows[0].keys())
    parse_ts = lambda s: __import__("datetime").datetime.fromisoformat(s.replace("Z", "+00:00"))
    cols = {}
    for n in names:
        vals = [r[n] for r in rows]
        if n in ("ChargePeriodStart", "ChargePeriodEnd"):
            cols[n] = pa.array([parse_ts(v) for v in vals], pa.timestamp("ms", tz="UTC"))
        elif n in ("ConsumedQuantity", "BilledCost"):
            cols[n] = pa.array([None if v == "NULL" else float(v) for v in vals], pa.float64())
        else:
            cols[n] = pa.array([None if v == "NULL" else v for v in vals], pa.string())
    table = pa.table(cols)
    pq.write_table(table, OUT / "focus_tokens.parquet", compression="snappy", row_group_size=10)
    pq.write_table(table.drop(["ConsumedQuantity"]), OUT / "focus_no_quantity.parquet", compression="snappy")


if __name__ == "__main__":
    parquet_fixtures()


# --- Cloud cost exports and gateway logs ----------------------------------
# (schemas cited in tests/fixtures/ATTRIBUTION.md; figures hand-counted in
# tests/cli/exports.rs.)

AZURE_COLUMNS = ("InvoiceSectionName,AccountName,SubscriptionId,SubscriptionName,ResourceGroup,ResourceLocation,"
                 "Date,ProductName,MeterCategory,MeterSubCategory,MeterId,MeterName,MeterRegion,UnitOfMeasure,"
                 "Quantity,EffectivePrice,CostInBillingCurrency,BillingCurrencyCode,ConsumedService,ResourceId,"
                 "Tags,PublisherType,ChargeType,Frequency,PricingModel,BillingPeriodStartDate,"
                 "BillingPeriodEndDate,ServiceFamily").split(",")


def azure_rows():
    """ActualCost rows, Nov-Dec 2026: Foundry Models meters with 1K and 1M
    units in one product, cached, cache-write and batch meters, a PTU
    meter (1/Hour), a reservation purchase, a VM and a refund."""
    foundry = "Foundry Models"

    def r(day, rg, product, meter, unit, qty, price, charge="Usage", cat=foundry, sub="Azure OpenAI",
          family="AI + Machine Learning", pricing="OnDemand"):
        m, d = day
        rid = f"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/aoai-{rg}"
        return {
            "InvoiceSectionName": "Engineering", "AccountName": "Contoso", "SubscriptionId": "00000000-0000-0000-0000-000000000001",
            "SubscriptionName": "prod", "ResourceGroup": rg, "ResourceLocation": "eastus2",
            "Date": f"{m:02d}/{d:02d}/2026", "ProductName": product, "MeterCategory": cat,
            "MeterSubCategory": sub, "MeterId": f"m-{__import__('zlib').crc32(meter.encode()) % 10**8:08d}", "MeterName": meter,
            "MeterRegion": "Global", "UnitOfMeasure": unit, "Quantity": qty, "EffectivePrice": price,
            "CostInBillingCurrency": f"{float(qty) * float(price):.6f}", "BillingCurrencyCode": "USD",
            "ConsumedService": "Microsoft.CognitiveServices", "ResourceId": rid, "Tags": '{"team":"' + rg + '"}',
            "PublisherType": "Azure", "ChargeType": charge, "Frequency": "UsageBased", "PricingModel": pricing,
            "BillingPeriodStartDate": f"{m:02d}/01/2026", "BillingPeriodEndDate": f"{m:02d}/{30 if m == 11 else 31}/2026",
            "ServiceFamily": family,
        }

    return [
        r((11, 1), "rg-chat", "Azure OpenAI", "gpt-4.1-Inp-glbl Tokens", "1K", "1500.5", "0.002"),
        r((11, 1), "rg-chat", "Azure OpenAI", "gpt-4.1-Opt-glbl Tokens", "1K", "200", "0.008"),
        r((11, 2), "rg-chat", "Azure OpenAI", "gpt-4.1-cd-Inp-glbl Tokens", "1K", "300", "0.0005"),
        r((11, 2), "rg-chat", "Azure OpenAI", "gpt-4.1 Cd Wr glbl 1M Tokens", "1M", "0.04", "2.5"),
        r((11, 10), "rg-web", "Virtual Machines Dsv3 Series", "D2s v3", "1 Hour", "24", "0.096",
          cat="Virtual Machines", sub="Dsv3 Series", family="Compute"),
        r((11, 15), "rg-chat", "Azure OpenAI GPT5", "5.4 inp Gl 1M Tokens", "1M", "2.5", "1.0"),
        r((11, 15), "rg-chat", "Azure OpenAI GPT5", "5.4 opt Gl 1M Tokens", "1M", "0.125", "10.0"),
        r((11, 20), "rg-batch", "Azure OpenAI", "gpt-4.1-Batch-Inp-glbl Tokens", "1K", "1000", "0.001"),
        r((11, 30), "rg-chat", "Azure OpenAI", "Provisioned Managed Global Unit", "1/Hour", "24", "1.0"),
        r((11, 30), "rg-chat", "Azure AI Foundry Provisioned Throughput Reservation", "Provisioned Managed Global",
          "1 Month", "1", "260", charge="Purchase", pricing="Reservation"),
        r((12, 1), "rg-chat", "Azure OpenAI Reasoning", "o4-mini 0416 Inp glbl Tokens", "1K", "40", "0.0011"),
        r((12, 1), "rg-chat", "Azure OpenAI Reasoning", "o4-mini 0416 Opt glbl Tokens", "1K", "8.25", "0.0044"),
        r((12, 31), "rg-chat", "Azure OpenAI", "gpt-4.1-Inp-glbl Tokens", "1K", "100", "0.002"),
        r((12, 31), "rg-chat", "Azure OpenAI", "gpt-4.1-Inp-glbl Tokens", "1K", "-5", "0.002", charge="Refund"),
    ]


def azure_cost():
    rows = azure_rows()
    with open(OUT / "azure_actual_cost.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=AZURE_COLUMNS, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow(row)


def azure_cost_parquet():
    """The same rows as a Parquet export (Snappy): Date and the billing
    period as DATE, Quantity and costs as doubles, the rest strings."""
    import datetime
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = azure_rows()
    day = lambda s: datetime.date(int(s[6:10]), int(s[0:2]), int(s[3:5]))
    cols = {}
    for n in AZURE_COLUMNS:
        vals = [r[n] for r in rows]
        if n in ("Date", "BillingPeriodStartDate", "BillingPeriodEndDate"):
            cols[n] = pa.array([day(v) for v in vals], pa.date32())
        elif n in ("Quantity", "EffectivePrice", "CostInBillingCurrency"):
            cols[n] = pa.array([float(v) for v in vals], pa.float64())
        else:
            cols[n] = pa.array(vals, pa.string())
    pq.write_table(pa.table(cols), OUT / "azure_actual_cost.parquet", compression="snappy", row_group_size=5)
    # An unknown meter (a token meter without a token class) in row 12.
    meters = list(cols["MeterName"].to_pylist())
    meters[11] = "o4-mini 0416 glbl Tokens"
    cols["MeterName"] = pa.array(meters, pa.string())
    pq.write_table(pa.table(cols), OUT / "azure_unknown_meter.parquet", compression="snappy", row_group_size=5)


if __name__ == "__main__":
    azure_cost()
    azure_cost_parquet()


CUR_COLUMNS = ("bill_bill_type,bill_billing_entity,bill_billing_period_end_date,bill_billing_period_start_date,"
               "bill_invoice_id,bill_payer_account_id,identity_line_item_id,identity_time_interval,"
               "line_item_availability_zone,line_item_blended_cost,line_item_currency_code,line_item_iam_principal,"
               "line_item_legal_entity,line_item_line_item_description,line_item_line_item_type,line_item_operation,"
               "line_item_product_code,line_item_resource_id,line_item_unblended_cost,line_item_unblended_rate,"
               "line_item_usage_account_id,line_item_usage_amount,line_item_usage_end_date,"
               "line_item_usage_start_date,line_item_usage_type,pricing_term,pricing_unit,product,"
               "product_product_family,product_region_code,product_servicecode,resource_tags").split(",")


def cur_rows():
    """CUR 2.0 rows (daily), Nov-Dec 2026: Bedrock usage types with the model
    inside (1K tokens), Marketplace-billed Claude with the model in
    product['product_name'] (1M tokens), a batch pair, EC2, Tax and Credit."""
    import datetime

    def r(day, item, code, ut, amount, unit, rate, product, tags, principal="", op="InvokeModelInference"):
        m, d = day
        start = datetime.datetime(2026, m, d, tzinfo=datetime.timezone.utc)
        end = start + datetime.timedelta(days=1)
        iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
        period = datetime.datetime(2026, m, 1, tzinfo=datetime.timezone.utc)
        period_end = datetime.datetime(2026 + (m == 12), 1 if m == 12 else m + 1, 1, tzinfo=datetime.timezone.utc)
        return {
            "bill_bill_type": "Anniversary", "bill_billing_entity": "AWS" if code.startswith("Amazon") else "AWS Marketplace",
            "bill_billing_period_end_date": iso(period_end), "bill_billing_period_start_date": iso(period),
            "bill_invoice_id": "", "bill_payer_account_id": "111122223333",
            "identity_line_item_id": f"li-{__import__('zlib').crc32((ut + str(day) + item).encode()):08x}",
            "identity_time_interval": f"{iso(start)}/{iso(end)}", "line_item_availability_zone": "",
            "line_item_blended_cost": f"{amount * rate:.8f}", "line_item_currency_code": "USD",
            "line_item_iam_principal": principal, "line_item_legal_entity": "Amazon Web Services, Inc.",
            "line_item_line_item_description": f"{ut} usage", "line_item_line_item_type": item,
            "line_item_operation": op, "line_item_product_code": code, "line_item_resource_id": "",
            "line_item_unblended_cost": f"{amount * rate:.8f}", "line_item_unblended_rate": f"{rate}",
            "line_item_usage_account_id": "111122223333", "line_item_usage_amount": amount,
            "line_item_usage_end_date": iso(end), "line_item_usage_start_date": iso(start),
            "line_item_usage_type": ut, "pricing_term": "OnDemand" if item == "Usage" else "", "pricing_unit": unit,
            "product": product, "product_product_family": "", "product_region_code": product.get("region", ""),
            "product_servicecode": code, "resource_tags": tags,
        }

    bedrock = {"product_name": "Amazon Bedrock", "region": "us-west-2", "servicename": "Amazon Bedrock"}
    haiku = {"product_name": "Claude Haiku 5.5 (Amazon Bedrock Edition)", "region": "us-west-2"}
    chat, search = {"user_team": "chat"}, {"user_team": "search"}
    chat_role = "arn:aws:sts::111122223333:assumed-role/ChatApp/session-1"
    search_role = "arn:aws:sts::111122223333:assumed-role/SearchRanker/batch-7"
    mp = "c0ffee123abcdef4567890xyz"
    return [
        r((11, 1), "Usage", "AmazonBedrock", "USW2-Claude5.5Sonnet-input-tokens", 1200.5, "1K tokens", 0.003, bedrock, chat, chat_role),
        r((11, 1), "Usage", "AmazonBedrock", "USW2-Claude5.5Sonnet-output-tokens", 80.0, "1K tokens", 0.015, bedrock, chat, chat_role),
        r((11, 2), "Usage", "AmazonBedrock", "USW2-Claude5.5Sonnet-cache-read-input-token-count", 5000.0, "1K tokens", 0.0003, bedrock, chat, chat_role),
        r((11, 2), "Usage", "AmazonBedrock", "USW2-Claude5.5Sonnet-cache-write-input-token-count", 400.0, "1K tokens", 0.00375, bedrock, chat, chat_role),
        r((11, 3), "Usage", mp, "USW2-MP:USW2_InputTokenCount-Units", 0.75, "1M tokens", 1.0, haiku, search, search_role),
        r((11, 3), "Usage", mp, "USW2-MP:USW2_OutputTokenCount_Global-Units", 0.05, "1M tokens", 5.0, haiku, search, search_role),
        r((11, 4), "Usage", "AmazonBedrock", "USE1-NovaLite-input-tokens-batch", 2000.0, "1K tokens", 0.00003,
          {"product_name": "Amazon Bedrock", "region": "us-east-1"}, search, search_role),
        r((11, 4), "Usage", "AmazonBedrock", "USE1-NovaLite-output-tokens-batch", 100.0, "1K tokens", 0.00012,
          {"product_name": "Amazon Bedrock", "region": "us-east-1"}, search, search_role),
        r((11, 5), "Usage", "AmazonEC2", "USE1-BoxUsage:m5.large", 24.0, "Hrs", 0.096,
          {"product_name": "Amazon Elastic Compute Cloud", "region": "us-east-1"}, {}, op="RunInstances"),
        r((11, 15), "Credit", "AmazonBedrock", "USW2-Claude5.5Sonnet-input-tokens", 0.0, "1K tokens", 0.0, bedrock, {}),
        r((11, 30), "Tax", "AmazonBedrock", "", 0.0, "", 0.0, bedrock, {}, op=""),
        r((12, 31), "Usage", "AmazonBedrock", "USW2-Claude5.5Sonnet-input-tokens", 10.0, "1K tokens", 0.003, bedrock, chat, chat_role),
    ]


def cur_fixtures():
    """The same CUR 2.0 rows as Parquet (maps as MAP<string,string>,
    timestamps, doubles; row groups of 4), as gzip CSV (maps as JSON text, as
    CUR 2.0 writes them), and as legacy CUR gzip CSV with the maps flattened
    into product_product_name and resource_tags_user_team columns."""
    import datetime
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = cur_rows()
    ts = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    cols = {}
    for n in CUR_COLUMNS:
        vals = [r[n] for r in rows]
        if n.endswith("_date"):
            cols[n] = pa.array([ts(v) for v in vals], pa.timestamp("ms", tz="UTC"))
        elif n in ("line_item_usage_amount", "line_item_blended_cost", "line_item_unblended_cost", "line_item_unblended_rate"):
            cols[n] = pa.array([float(v) for v in vals], pa.float64())
        elif n in ("product", "resource_tags"):
            cols[n] = pa.array([list(v.items()) for v in vals], pa.map_(pa.string(), pa.string()))
        else:
            cols[n] = pa.array([None if v == "" else v for v in vals], pa.string())
    pq.write_table(pa.table(cols), OUT / "cur2_bedrock.parquet", compression="snappy", row_group_size=4)

    def gz_csv(path, fieldnames, rows):
        import io
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=fieldnames, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow(row)
        with open(path, "wb") as f:
            with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as g:
                g.write(buf.getvalue().encode())

    text = [dict(r, product=json.dumps(r["product"]) if r["product"] else "",
                 resource_tags=json.dumps(r["resource_tags"]) if r["resource_tags"] else "") for r in rows]
    gz_csv(OUT / "cur2_bedrock.csv.gz", CUR_COLUMNS, text)
    flat_cols = [c for c in CUR_COLUMNS if c not in ("product", "resource_tags")] + ["product_product_name", "resource_tags_user_team"]
    flat = []
    for r in rows:
        f = {k: v for k, v in r.items() if k not in ("product", "resource_tags")}
        f["product_product_name"] = r["product"].get("product_name", "")
        f["resource_tags_user_team"] = r["resource_tags"].get("user_team", "")
        flat.append(f)
    gz_csv(OUT / "cur_legacy_flat.csv.gz", flat_cols, flat)


if __name__ == "__main__":
    cur_fixtures()


SPEND_LOG_COLUMNS = ("request_id,call_type,api_key,spend,total_tokens,prompt_tokens,completion_tokens,startTime,"
                     "endTime,request_duration_ms,completionStartTime,model,model_id,model_group,"
                     "custom_llm_provider,api_base,user,metadata,cache_hit,cache_key,request_tags,team_id,"
                     "organization_id,end_user,requester_ip_address,messages,response,session_id,status,"
                     "mcp_namespaced_tool_name,agent_id,proxy_server_request").split(",")


def spend_log_rows():
    """LiteLLM_SpendLogs rows (schema.prisma): per request, Nov-Dec 2026; a
    failed call and a proxy cache hit among them."""
    import datetime

    def r(i, when, model, group, provider, prompt, completion, team, status="success", cache_hit="False",
          spend=0.001, base="https://api.openai.com/v1"):
        start = datetime.datetime.fromisoformat(when)
        end = start + datetime.timedelta(milliseconds=850)
        fmt = lambda t: t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        return {
            "request_id": f"chatcmpl-{i:04d}", "call_type": "acompletion", "api_key": f"{i:064x}"[-64:],
            "spend": spend, "total_tokens": prompt + completion, "prompt_tokens": prompt,
            "completion_tokens": completion, "startTime": fmt(start), "endTime": fmt(end),
            "request_duration_ms": 850, "completionStartTime": fmt(start + datetime.timedelta(milliseconds=300)),
            "model": model, "model_id": f"model-{group}", "model_group": group, "custom_llm_provider": provider,
            "api_base": base, "user": "default_user_id", "metadata": json.dumps({"user_api_key_team_id": team}),
            "cache_hit": cache_hit, "cache_key": "", "request_tags": "[]", "team_id": team,
            "organization_id": "", "end_user": "", "requester_ip_address": "", "messages": "{}",
            "response": "{}", "session_id": f"s-{i}", "status": status, "mcp_namespaced_tool_name": "",
            "agent_id": "", "proxy_server_request": "{}",
        }

    return [
        r(1, "2026-11-01 00:00:05", "gpt-6.2-sol-2026-11-17", "gpt-6.2-sol", "openai", 1000, 200, "team-a"),
        r(2, "2026-11-01 00:00:40", "claude-sonnet-5-5-20261002", "claude-sonnet", "anthropic", 5000, 300, "team-a",
          base="https://api.anthropic.com"),
        r(3, "2026-11-01 00:01:10", "azure/gpt-4.1", "gpt-4.1", "azure", 700, 100, "team-b",
          base="https://contoso.openai.azure.com"),
        r(4, "2026-11-01 00:01:30", "gpt-6.2-sol-2026-11-17", "gpt-6.2-sol", "openai", 0, 0, "team-a",
          status="failure", spend=0.0),
        r(5, "2026-11-01 00:02:00", "gpt-6.2-sol-2026-11-17", "gpt-6.2-sol", "openai", 1000, 200, "team-a",
          cache_hit="True", spend=0.0),
        r(6, "2026-11-01 00:03:59", "bedrock/us.anthropic.claude-sonnet-5-5-20261002-v1:0", "claude-sonnet-bedrock",
          "bedrock", 2000, 100, "team-b", base="https://bedrock-runtime.us-east-1.amazonaws.com"),
        r(7, "2026-12-31 23:59:50", "gpt-6.2-sol-2026-11-17", "gpt-6.2-sol", "openai", 3000, 500, "team-a"),
    ]


def litellm_fixtures():
    """Spend logs as a Postgres CSV export and as the JSON the proxy's
    /spend/logs endpoint returns (an array of rows, metadata as an object);
    LiteLLM_DailyTeamSpend as Parquet (dates as strings, counts as int64)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = spend_log_rows()
    with open(OUT / "litellm_spend_logs.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=SPEND_LOG_COLUMNS, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow(row)
    js = [dict(r, metadata=json.loads(r["metadata"]), request_tags=[], messages={}, response={},
               proxy_server_request={}, cache_key=None, organization_id=None, end_user=None) for r in rows]
    (OUT / "litellm_spend_logs.json").write_text(json.dumps(js, indent=1) + "\n")

    def d(day, team, model, provider, prompt, completion, read, write, requests, failed=0):
        return {"id": f"d-{team}-{day}-{model}", "team_id": team, "date": f"2026-11-{day:02d}",
                "api_key": "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b",
                "model": model, "model_group": model, "custom_llm_provider": provider,
                "mcp_namespaced_tool_name": None, "endpoint": "/chat/completions",
                "prompt_tokens": prompt, "completion_tokens": completion, "cache_read_input_tokens": read,
                "cache_creation_input_tokens": write, "spend": round(prompt * 2e-6, 6), "api_requests": requests,
                "successful_requests": requests - failed, "failed_requests": failed}

    daily = [
        d(1, "team-a", "claude-sonnet-5-5-20261002", "anthropic", 1_000_000, 50_000, 600_000, 100_000, 40),
        d(2, "team-a", "gpt-6.2-sol-2026-11-17", "openai", 200_000, 20_000, 50_000, 0, 12),
        d(15, "team-b", "gpt-4.1", "azure", 30_000, 3_000, 0, 0, 5),
        d(20, "team-b", "gpt-6.2-sol", "openai", 0, 0, 0, 0, 3, failed=3),
        d(30, "team-a", "claude-sonnet-5-5-20261002", "anthropic", 10_000, 1_000, 0, 4_000, 2),
    ]
    names = list(daily[0].keys())
    cols = {}
    for n in names:
        vals = [r[n] for r in daily]
        if n in ("prompt_tokens", "completion_tokens", "cache_read_input_tokens", "cache_creation_input_tokens",
                 "api_requests", "successful_requests", "failed_requests"):
            cols[n] = pa.array(vals, pa.int64())
        elif n == "spend":
            cols[n] = pa.array(vals, pa.float64())
        else:
            cols[n] = pa.array(vals, pa.string())
    pq.write_table(pa.table(cols), OUT / "litellm_daily_team_spend.parquet", compression="snappy")


if __name__ == "__main__":
    litellm_fixtures()
