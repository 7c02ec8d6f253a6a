"""Every estimate printed with a confidence interval: a labelled table of printed forms.

Each row is a form as a citing sentence prints it, with the parse a reader expects (kind,
estimate, lower and upper bound, level, unit as printed) and the verdict of the consistency
checks: "ok", or words of the one problem the checks must name. The forms are written for this
table; a few follow the shapes of real citing sentences quoted in the issue that asked for them.
A second table holds printed ranges that are not confidence intervals and must not parse as one.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from kb.checks import ArticleContext, ClaimContext, wanted_flags
from kb.enums import FlagKind
from kb.measures import ParsedMeasure, check_measure, parse_measures
from kb.models import Claim, Flag, Measure
from kb.services.ingest import ingest_article
from tests import factories as f


class Form(NamedTuple):
    text: str
    kind: str
    estimate: float
    lower: float
    upper: float
    level: float
    unit: str | None
    verdict: str  # "ok", or words of the one problem found


OR, RR, HR = "odds ratio", "risk ratio", "hazard ratio"
MD, SMD = "mean difference", "standardized mean difference"
MEAN, MEDIAN, EST, PROP = "mean", "median", "estimate", "proportion"
OK = "ok"
OUTSIDE = "lies outside its"
ASYMMETRIC = "not symmetric"
IMPOSSIBLE_P = "implies p"
NOT_PERCENT = "outside 0 to 100"

# fmt: off
FORMS = [
    # --- ratios, with and without a unit -------------------------------------------------
    Form("OR 1.19 per mg/dl; 95% CI 1.04-1.38", OR, 1.19, 1.04, 1.38, 0.95, "per mg/dl", OK),
    Form("HR 1.03/year (95% CI 1.01-1.05)", HR, 1.03, 1.01, 1.05, 0.95, "/year", OK),
    Form("OR1.79, 95% CI 1.03-3.13", OR, 1.79, 1.03, 3.13, 0.95, None, OK),
    Form("aOR 2.10 (95%CI 1.45–3.04)", OR, 2.10, 1.45, 3.04, 0.95, None, OK),
    Form("HR 0.72 [95% CI 0.61; 0.85]", HR, 0.72, 0.61, 0.85, 0.95, None, OK),
    Form("IRR 1.45 (95% CI: 1.12 to 1.88)", RR, 1.45, 1.12, 1.88, 0.95, None, OK),
    Form("RR 0.80 (CI95 0.70-0.91)", RR, 0.80, 0.70, 0.91, 0.95, None, OK),
    Form("odds ratio 3.2 (90% CI 2.1 to 4.9)", OR, 3.2, 2.1, 4.9, 0.90, None, OK),
    Form("hazard ratio, 0.70; 95% confidence interval [CI], 0.55 to 0.89", HR, 0.70, 0.55, 0.89,
         0.95, None, OK),
    Form("HR 1.5 per 1-SD increase (95% CI 1.2 to 1.9)", HR, 1.5, 1.2, 1.9, 0.95,
         "per 1-SD increase", OK),
    Form("OR 1.50 per 10 mg/dl increase (95% CI 1.20–1.88)", OR, 1.50, 1.20, 1.88, 0.95,
         "per 10 mg/dl increase", OK),
    Form("HR = 2.41 (95% CI = 1.60–3.63)", HR, 2.41, 1.60, 3.63, 0.95, None, OK),
    Form("RR 1.2 (95% C.I. 1.0–1.4)", RR, 1.2, 1.0, 1.4, 0.95, None, OK),
    Form("risk ratio 0.85 (95% CI, 0.74 to 0.98)", RR, 0.85, 0.74, 0.98, 0.95, None, OK),
    Form("OR 12.5 (95% CI 3.1–50.4)", OR, 12.5, 3.1, 50.4, 0.95, None, OK),
    Form("HR 0.998 per mg (95% CI 0.996–1.000)", HR, 0.998, 0.996, 1.0, 0.95, "per mg", OK),
    Form("aHR 1.31 (95% CI 1.10–1.56; P = .002)", HR, 1.31, 1.10, 1.56, 0.95, None, OK),
    Form("IRR 1.08 per 5 µg/m³ (95% CI 1.02–1.15)", RR, 1.08, 1.02, 1.15, 0.95, "per 5 µg/m³",
         OK),
    Form("OR 1.42 {95% CI 1.10–1.83}", OR, 1.42, 1.10, 1.83, 0.95, None, OK),
    Form("HR 0·72 (95% CI 0·61–0·85)", HR, 0.72, 0.61, 0.85, 0.95, None, OK),
    Form("(OR = 1.62, 95% CI = 1.21–2.17)", OR, 1.62, 1.21, 2.17, 0.95, None, OK),
    Form("RR 1.2 per 10 µg/m3 (95% CI 1.1–1.3)", RR, 1.2, 1.1, 1.3, 0.95, "per 10 µg/m3", OK),
    Form("RR 0.84 (95% credible interval 0.71 to 0.99)", RR, 0.84, 0.71, 0.99, 0.95, None, OK),
    Form("HR 1.03/year; 95% CI 1.01–1.05", HR, 1.03, 1.01, 1.05, 0.95, "/year", OK),
    Form("relative risk 1.9 (95% confidence interval 1.3 to 2.8)", RR, 1.9, 1.3, 2.8, 0.95, None,
         OK),
    Form("HR 0.76 (95% CrI 0.60–0.95)", HR, 0.76, 0.60, 0.95, 0.95, None, OK),
    Form("OR 1.79 (95 % CI 1.03 – 3.13)", OR, 1.79, 1.03, 3.13, 0.95, None, OK),
    Form("OR 1.79 (CI 95% 1.03-3.13)", OR, 1.79, 1.03, 3.13, 0.95, None, OK),
    Form("OR 1.79 (95% confidence limits 1.03, 3.13)", OR, 1.79, 1.03, 3.13, 0.95, None, OK),
    Form("HR 1.03 per year (95% CI 1.01 to 1.05), p < 0.001", HR, 1.03, 1.01, 1.05, 0.95,
         "per year", OK),
    Form("OR (95% CI): 1.5 (1.2–1.9)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("rate ratio 0.64 (95% CI from 0.51 to 0.80)", RR, 0.64, 0.51, 0.80, 0.95, None, OK),
    Form("RR 0.50 (95% CI 0.57 to 0.81)", RR, 0.50, 0.57, 0.81, 0.95, None, OUTSIDE),
    Form("OR 2.00 (95% CI 1.10 to 2.50)", OR, 2.00, 1.10, 2.50, 0.95, None, ASYMMETRIC),
    Form("HR 0.82 (95% CI 0.70-0.96), p = 0.45", HR, 0.82, 0.70, 0.96, 0.95, None, IMPOSSIBLE_P),
    Form("OR 1.19 per mg/dl; 95% CI 1.04-1.38; p = 0.60", OR, 1.19, 1.04, 1.38, 0.95,
         "per mg/dl", IMPOSSIBLE_P),
    Form("HR 1.03/year (95% CI 1.01-1.05; p = 0.40)", HR, 1.03, 1.01, 1.05, 0.95, "/year",
         IMPOSSIBLE_P),
    Form("OR1.79, 95% CI 2.03-3.13", OR, 1.79, 2.03, 3.13, 0.95, None, OUTSIDE),
    # --- separators, labels, brackets ------------------------------------------------------
    Form("OR 1.5 [95% CI: 1.2, 1.9]", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (95% CI 1.2; 1.9)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (95% CI 1.2—1.9)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (95% CI 1.2‐1.9)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5, 95% CI [1.2–1.9]", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (95% confidence interval: 1.2–1.9)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (95% confidence interval (CI) 1.2 to 1.9)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("an OR of 1.5 with a 95% CI of 1.2 to 1.9", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5; 95%CI 1.2-1.9", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (CI: 1.2–1.9)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (99% CI 1.1–2.0)", OR, 1.5, 1.1, 2.0, 0.99, None, OK),
    Form("OR 1.5 (95% CI 1.2 to 1.9, p < 0.001)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (95%-CI 1.2–1.9)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (95 per cent CI 1.2 to 1.9)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (95% CI=1.2-1.9)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (95% CI 1.2,1.9)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (CI95% 1.2-1.9)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (95% CI between 1.2 and 1.9)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (95% CI {1.2–1.9})", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 [95% CI (1.2, 1.9)]", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 with 95% CI 1.2–1.9", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (95% CI ranging from 1.2 to 1.9)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("OR 1.5 (1.2–1.9; 95% CI)", OR, 1.5, 1.2, 1.9, 0.95, None, OK),
    Form("6.13 days (4.97–7.53, 95% CI)", EST, 6.13, 4.97, 7.53, 0.95, "days", OK),
    Form("median 10 days (9-11, 90% CI)", MEDIAN, 10, 9, 11, 0.90, "days", OK),
    Form("OR 1.5 (97.5% CI 1.2–1.9)", OR, 1.5, 1.2, 1.9, 0.975, None, OK),
    # --- differences -----------------------------------------------------------------------
    Form("mean difference -1.63; 95% CI: -2.68, -0.57; p = 0.002", MD, -1.63, -2.68, -0.57, 0.95,
         None, OK),
    Form("MD −0.5 mmHg (95% CI −1.2 to 0.2)", MD, -0.5, -1.2, 0.2, 0.95, "mmHg", OK),
    Form("mean difference 2.4 kg (95% CI 1.1 kg to 3.7 kg)", MD, 2.4, 1.1, 3.7, 0.95, "kg", OK),
    Form("MD -3.1 points [95% CI, -4.9 to -1.3]", MD, -3.1, -4.9, -1.3, 0.95, "points", OK),
    Form("SMD 0.45 (95% CI 0.20 to 0.70)", SMD, 0.45, 0.20, 0.70, 0.95, None, OK),
    Form("Hedges' g 0.32 (95% CI 0.11–0.53)", SMD, 0.32, 0.11, 0.53, 0.95, None, OK),
    Form("WMD −4.2 mg/dl (95% CI −6.3 to −2.1; p < 0.001)", MD, -4.2, -6.3, -2.1, 0.95, "mg/dl",
         OK),
    Form("a difference of −2.1 days (95% CI −3.0 to −1.2)", MD, -2.1, -3.0, -1.2, 0.95, "days",
         OK),
    Form("SMD −0.28 (95%CI −0.45,−0.11)", SMD, -0.28, -0.45, -0.11, 0.95, None, OK),
    Form("MD 12.3 ms (95% CI 8.1–16.5)", MD, 12.3, 8.1, 16.5, 0.95, "ms", OK),
    Form("mean difference, −1.2 mmol/L; 95% CI, −1.9 to −0.5", MD, -1.2, -1.9, -0.5, 0.95,
         "mmol/L", OK),
    Form("standardized mean difference 0.61 (95% CI: 0.33-0.89)", SMD, 0.61, 0.33, 0.89, 0.95,
         None, OK),
    Form("MD 4.1 mm Hg (95% CI 2.0 to 6.2 mm Hg)", MD, 4.1, 2.0, 6.2, 0.95, "mm Hg", OK),
    Form("MD -1.63 (95% CI -2.68 - -0.57)", MD, -1.63, -2.68, -0.57, 0.95, None, OK),
    Form("−1,250 (95% CI −2,100 to −400)", MD, -1250, -2100, -400, 0.95, None, OK),
    Form("mean difference 1.00 (95% CI 0.20 to 1.20)", MD, 1.00, 0.20, 1.20, 0.95, None,
         ASYMMETRIC),
    Form("MD 5.0 (95% CI -1.0 to 11.0), p = 0.01", MD, 5.0, -1.0, 11.0, 0.95, None,
         IMPOSSIBLE_P),
    Form("mean difference 0.8 (95% CI 1.1 to 2.5)", MD, 0.8, 1.1, 2.5, 0.95, None, OUTSIDE),
    Form("MD −2.4 kg (95% CI −3.9 to −0.9 kg), p = 0.30", MD, -2.4, -3.9, -0.9, 0.95, "kg",
         IMPOSSIBLE_P),
    # --- means and medians -----------------------------------------------------------------
    Form("mean 4.2 kg (95% CI 3.1–5.3)", MEAN, 4.2, 3.1, 5.3, 0.95, "kg", OK),
    Form("mean age 52.3 years (95% CI 50.1 to 54.5)", MEAN, 52.3, 50.1, 54.5, 0.95, "years", OK),
    Form("a mean of 7.4 (95% CI 6.9–7.9)", MEAN, 7.4, 6.9, 7.9, 0.95, None, OK),
    Form("mean systolic pressure 138 mmHg (95% CI 135–141 mmHg)", MEAN, 138, 135, 141, 0.95,
         "mmHg", OK),
    Form("mean BMI 27.1 kg/m2 (95% CI 26.8–27.4)", MEAN, 27.1, 26.8, 27.4, 0.95, "kg/m2", OK),
    Form("mean HbA1c fell to 7.1% (95% CI 6.9%–7.3%)", MEAN, 7.1, 6.9, 7.3, 0.95, "%", OK),
    Form("mean 4.2 (95% CI 3.9–6.3)", MEAN, 4.2, 3.9, 6.3, 0.95, None, ASYMMETRIC),
    Form("mean LDL 3.4 mmol/L [95% CI 3.6 to 3.9]", MEAN, 3.4, 3.6, 3.9, 0.95, "mmol/L", OUTSIDE),
    Form("geometric mean 12.4 ng/ml (95% CI 10.1–15.2)", EST, 12.4, 10.1, 15.2, 0.95, "ng/ml",
         OK),
    Form("a median of 10 days [95% confidence interval {CI}, 9-11 days]", MEDIAN, 10, 9, 11, 0.95,
         "days", OK),
    Form("median survival 14.2 months (95% CI 11.5–18.9)", MEDIAN, 14.2, 11.5, 18.9, 0.95,
         "months", OK),
    Form("median PFS was 7.3 months (95% CI, 5.6 to 9.0 months)", MEDIAN, 7.3, 5.6, 9.0, 0.95,
         "months", OK),
    Form("median time to recovery, 4 days (95% CI 3-5)", MEDIAN, 4, 3, 5, 0.95, "days", OK),
    Form("median 21 days (95% CI 24–30)", MEDIAN, 21, 24, 30, 0.95, "days", OUTSIDE),
    # --- percentages ---------------------------------------------------------------------
    Form("1.80% (95% CI 1.44-2.24)", EST, 1.80, 1.44, 2.24, 0.95, "%", OK),
    Form("an efficacy of 95% (95% confidence interval [CI], 90.3%-97.6%)", EST, 95, 90.3, 97.6,
         0.95, "%", OK),
    Form("prevalence 12.3% (95% CI 10.1–14.5%)", PROP, 12.3, 10.1, 14.5, 0.95, "%", OK),
    Form("sensitivity 87% (95% CI 80%–92%)", PROP, 87, 80, 92, 0.95, "%", OK),
    Form("specificity was 94.1% (95% CI, 91.2% to 96.3%)", PROP, 94.1, 91.2, 96.3, 0.95, "%", OK),
    Form("coverage of 78.4% (95% CI: 75.0-81.5)", PROP, 78.4, 75.0, 81.5, 0.95, "%", OK),
    Form("response rate 45% [95% CI, 38% to 52%]", PROP, 45, 38, 52, 0.95, "%", OK),
    Form("a 23% (95% CI 12% to 33%) reduction", EST, 23, 12, 33, 0.95, "%", OK),
    Form("mortality fell by 12% (95% CI −3% to 25%)", EST, 12, -3, 25, 0.95, "%", OK),
    Form("an increase of 150% (95% CI 120%-180%)", EST, 150, 120, 180, 0.95, "%", OK),
    Form("1.80 % (95 % CI 1.44 – 2.24 %)", EST, 1.80, 1.44, 2.24, 0.95, "%", OK),
    Form("3.1 percentage points (95% CI 1.2 to 5.0)", EST, 3.1, 1.2, 5.0, 0.95,
         "percentage points", OK),
    Form("risk difference −4.2% (95% CI −7.9% to −0.5%)", EST, -4.2, -7.9, -0.5, 0.95, "%", OK),
    Form("prevalence 3.1% (95% CI −0.4% to 6.6%)", PROP, 3.1, -0.4, 6.6, 0.95, "%", NOT_PERCENT),
    Form("sensitivity 98% (95% CI 95%–101%)", PROP, 98, 95, 101, 0.95, "%", NOT_PERCENT),
    Form("incidence 4.5% (95% CI 5.0%–6.1%)", PROP, 4.5, 5.0, 6.1, 0.95, "%", OUTSIDE),
    Form("5-year survival 62 per cent (95% CI 58 to 66 per cent)", PROP, 62, 58, 66, 0.95,
         "per cent", OK),
    # --- counts, rates, scientific notation ----------------------------------------------
    Form("48,600 (95% CI: 42,400-54,700)", EST, 48600, 42400, 54700, 0.95, None, OK),
    Form("an estimated 1,234,000 deaths (95% UI 1,100,000–1,390,000)", EST, 1234000, 1100000,
         1390000, 0.95, "deaths", OK),
    Form("an estimated 1800 (95% CI 1650–1960)", EST, 1800, 1650, 1960, 0.95, None, OK),
    Form("88 657 (95% CI 86 000 to 91 300)", EST, 88657, 86000, 91300, 0.95, None, OK),
    Form("2.1 × 10^4 (95% CI 1.5 × 10^4 to 2.9 × 10^4)", EST, 21000, 15000, 29000, 0.95, None,
         OK),
    Form("3.2e-5 (95% CI 1.1e-5 to 9.8e-5)", EST, 3.2e-5, 1.1e-5, 9.8e-5, 0.95, None, OK),
    Form("1.5 × 10⁴ (95% CI 1.1 × 10⁴–2.0 × 10⁴)", EST, 15000, 11000, 20000, 0.95, None, OK),
    Form("12.3 per 1000 person-years (95% CI 10.9–13.8)", EST, 12.3, 10.9, 13.8, 0.95,
         "per 1000 person-years", OK),
    Form("incidence rate 23.4 per 100,000 (95% CI 21.0 to 26.0)", EST, 23.4, 21.0, 26.0, 0.95,
         "per 100,000", OK),
    Form("NNT 12 (95% CI 8 to 25)", EST, 12, 8, 25, 0.95, None, OK),
    Form("5,400 (95% CI 5,900-7,100)", EST, 5400, 5900, 7100, 0.95, None, OUTSIDE),
    Form("an estimated 4,300 cases (95% CI 3,900–4,800 cases)", EST, 4300, 3900, 4800, 0.95,
         "cases", OK),
    # --- durations and other units --------------------------------------------------------
    Form("6.13 days (95% CI 4.97-7.53)", EST, 6.13, 4.97, 7.53, 0.95, "days", OK),
    Form("10 days [95% confidence interval {CI}, 9-11 days]", EST, 10, 9, 11, 0.95, "days", OK),
    Form("the incubation period was 5.1 days, 95% CI 4.1–7.0", EST, 5.1, 4.1, 7.0, 0.95, "days",
         OK),
    Form("an incubation period of 5.2 days (95% CI, 4.1 to 7.0)", EST, 5.2, 4.1, 7.0, 0.95,
         "days", OK),
    Form("4.5 years (95% CI 3.9–5.2 years)", EST, 4.5, 3.9, 5.2, 0.95, "years", OK),
    Form("18 months (95% CI 20-26 months)", EST, 18, 20, 26, 0.95, "months", OUTSIDE),
    Form("the serial interval was 3.96 days (95% CI 3.53–4.39)", EST, 3.96, 3.53, 4.39, 0.95,
         "days", OK),
    Form("36.5 hours (95% confidence interval 30.2 to 42.8 hours)", EST, 36.5, 30.2, 42.8, 0.95,
         "hours", OK),
    Form("12 weeks (95% CI 10–14)", EST, 12, 10, 14, 0.95, "weeks", OK),
    Form("2.5 min (95% CI 1.9–3.1)", EST, 2.5, 1.9, 3.1, 0.95, "min", OK),
    Form("4.97 days (95% CI 4.12 days to 5.95 days)", EST, 4.97, 4.12, 5.95, 0.95, "days", OK),
    Form("ED50 120 mg (95% CI 95–150 mg)", EST, 120, 95, 150, 0.95, "mg", OK),
    Form("clearance 4.8 L/h (95% CI 4.1–5.6)", EST, 4.8, 4.1, 5.6, 0.95, "L/h", OK),
    Form("weight gain 1.3 kg (95% CI 0.9 to 1.7)", EST, 1.3, 0.9, 1.7, 0.95, "kg", OK),
    Form("eGFR 62 ml/min/1.73 m2 (95% CI 58–66)", EST, 62, 58, 66, 0.95, "ml/min/1.73 m2", OK),
    Form("AUC 0.81 (95% CI 0.77–0.85)", EST, 0.81, 0.77, 0.85, 0.95, None, OK),
    Form("slope 0.42 per year (95% CI 0.30–0.54)", EST, 0.42, 0.30, 0.54, 0.95, "per year", OK),
    Form("β = 0.12 (95% CI 0.05 to 0.19)", EST, 0.12, 0.05, 0.19, 0.95, None, OK),
    Form("1.2 (95% CI 0.9 to 1.6)", EST, 1.2, 0.9, 1.6, 0.95, None, OK),
    Form("a dose of 2.5 mg/kg (95% CI 2.9 to 3.4 mg/kg)", EST, 2.5, 2.9, 3.4, 0.95, "mg/kg",
         OUTSIDE),
    Form("vitamin D 54 nmol/l (95% CI 51 to 57 nmol/l)", EST, 54, 51, 57, 0.95, "nmol/l", OK),
    Form("energy intake 2,150 kcal (95% CI 2,080–2,220 kcal)", EST, 2150, 2080, 2220, 0.95,
         "kcal", OK),
    Form("heart rate 72 bpm (90% CI 70–74)", EST, 72, 70, 74, 0.90, "bpm", OK),
]

NOT_CIS = [
    "Patients aged 40-60 years were included.",
    "Data were collected between 2010 and 2015.",
    "In 2010-2015 the registry grew.",
    "Pain eased within 10-15 minutes.",
    "Clinics were visited from 12-14 March 2020.",
    "Patients aged 30 years or over, median age 45 (30–60).",
    "Stay was a median 10 days (IQR 7-14).",
    "Scores were a mean 4.2 (SD 1.1).",
    "Scores spread widely (range 2-10).",
    "as described previously [20–22].",
    "Extraction efficiency was 90–95% in blank samples.",
    "The 95% CI was not reported.",
    "Of those, 95% of patients (n = 40-60) agreed.",
    "A 95% CI 1.2 to 1.9 was reported without an estimate.",
    "Doses of 10-20 mg daily were used.",
    "Table 2 (1.2-1.5) lists them.",
    "Recovery took 45 (30–60) days.",
    "BMI was 27.1 (interquartile range 24.0–30.2).",
    "Version 2.0 of the form was used in 2006–2010.",
    "Weeks 4–8 (95% of visits) were complete.",
    "Levels were 1.2-3.4 (95th percentile 3.1).",
    "Normal heart rate is 60-100 bpm.",
    "It lasts 10 to 15 minutes (see Figure 2).",
    "In 2019 (95% of cases were adults) rates rose.",
    "Take it for 7–10 days (95% adherence).",
    "OR 1.5 was reported (see [12–14]).",
    "The 95% CI for the OR was 1.2 to 1.9.",
    "An estimate of 1.2 (95% CI) was given.",
    "Follow-up at 6 (3–9) months.",
    "Children 2–5 years (n = 120) and 6–11 years (n = 98).",
    "A 95% confidence level and 80% power needed 120 per arm (60-70 per site).",
    "Symptoms usually clear in 1-2 weeks.",
    "Of those, 95% of patients (n=40-60) agreed.",
    "Neuromodulation. 2010;13(4):275-279.",
    "See pages 123-130 for the 95% CI method.",
    "The difference was significant (p = 0.03); 95% CI 1.2–1.9 in the subgroup.",
    "Follow-up ran from 2019-03-01 to 2019-06-30.",
    "Median stay was 10 days (range 7-14).",
    "OR 1.5 (range 1.2–1.9) across sites.",
    "Mean 4.2 (IQR 3.1–5.3).",
    "OR 1.5 (95% prediction interval 0.8–2.8).",
    "Dosing was 1.5 mg/kg (range, 1.2–1.9 mg/kg).",
    "Scores of 10-20 (95th centile 19) were common.",
    "Visits on days 3-5 and 7-9 (95% attended).",
    "Rates were 1.2 (0.9-1.6) per 1000.",
    "Table 3 (95% CI 1.2–1.9) lists the odds ratios.",
    "Figure 2 (95% CI 0.8-1.1).",
    "In 2019, 95% CI 1.2-1.9 was reported.",
    "Between 2010 and 2015 (95% CI 1.2–1.9) the rates rose.",
    "We enrolled 240 patients; 95% CI 1.2 to 1.9 for the OR.",
    "A sample of 1,200, 95% CI 3.1 to 4.0 for the mean.",
    "At week 12 (95% CI 1.2–1.9) most had improved.",
]
# fmt: on


def test_a_ratio_with_a_unit_and_an_impossible_p_is_flagged_by_the_checks() -> None:
    text = "Each mg/dl raised the risk (OR 1.19 per mg/dl; 95% CI 1.04-1.38; p = 0.60)."
    measures = tuple(parse_measures(text))
    (m,) = measures
    assert (m.kind.value, m.unit, m.p_value) == (OR, "per mg/dl", 0.60)
    flags = wanted_flags(ClaimContext(text, "finding", measures=measures, article=ArticleContext()))
    kind, note = flags["numeric:1"]
    assert kind is FlagKind.numeric_inconsistency
    assert "95% CI 1.04 to 1.38 around 1.19 implies p between" in note
    assert "cannot be reported as p = 0.60" in note
    fine = "Each mg/dl raised the risk (OR 1.19 per mg/dl; 95% CI 1.04-1.38; p = 0.02)."
    ctx = ClaimContext(
        fine, "finding", measures=tuple(parse_measures(fine)), article=ArticleContext()
    )
    assert "numeric:1" not in wanted_flags(ctx)


def with_ci(text: str) -> list[ParsedMeasure]:
    return [m for m in parse_measures(text) if m.ci_lower is not None]


def parsed_as_labelled(form: Form) -> bool:
    """Whether the text parses to exactly one CI with the labelled fields."""
    found = with_ci(form.text)
    if len(found) != 1:
        return False
    m = found[0]
    got = (m.kind.value, m.estimate, m.ci_lower, m.ci_upper, m.ci_level, getattr(m, "unit", None))
    want = (form.kind, form.estimate, form.lower, form.upper, form.level, form.unit)
    return got[0] == want[0] and got[5] == want[5] and got[1:5] == pytest.approx(want[1:5])


def test_the_table_is_large_and_varied() -> None:
    assert len(FORMS) >= 100 and len({f.text for f in FORMS}) == len(FORMS)
    assert len(NOT_CIS) >= 40 and len(set(NOT_CIS)) == len(NOT_CIS)
    kinds = {f.kind for f in FORMS}
    assert kinds == {OR, RR, HR, MD, SMD, MEAN, MEDIAN, EST, PROP}
    assert {f.verdict for f in FORMS} == {OK, OUTSIDE, ASYMMETRIC, IMPOSSIBLE_P, NOT_PERCENT}


@pytest.mark.parametrize("form", FORMS, ids=[f.text for f in FORMS])
def test_every_printed_form_parses_as_labelled(form: Form) -> None:
    (m,) = with_ci(form.text)
    assert m.kind.value == form.kind
    assert (m.estimate, m.ci_lower, m.ci_upper, m.ci_level) == pytest.approx(
        (form.estimate, form.lower, form.upper, form.level)
    )
    assert m.unit == form.unit
    assert form.text[m.start : m.end] == m.text


@pytest.mark.parametrize("form", FORMS, ids=[f.text for f in FORMS])
def test_every_printed_form_gets_its_verdict(form: Form) -> None:
    (m,) = with_ci(form.text)
    result = check_measure(m)
    if form.verdict == OK:
        assert result.ok, result.problems
    else:
        (problem,) = result.problems
        assert form.verdict in problem


@pytest.mark.parametrize("text", NOT_CIS)
def test_ranges_that_are_not_confidence_intervals_do_not_parse_as_one(text: str) -> None:
    assert with_ci(text) == []


def test_ingest_stores_estimates_in_any_unit_with_their_unit_and_verdict(session: Session) -> None:
    text = (
        "# Incubation\n\n"
        "The incubation period was 6.13 days (95% CI 4.97-7.53) in the cohort.\n\n"
        "Each mg/dl raised the risk (OR 1.19 per mg/dl; 95% CI 1.04-1.38; p = 0.60).\n\n"
        "An estimated 48,600 (95% CI: 42,400-54,700) cases were missed.\n"
    )
    ingest_article(session=session, actor=f.user(session, "editor"), text=text, title="CIs")
    rows = session.exec(
        select(Claim.position, Measure).join(Measure, col(Measure.claim_id) == Claim.id)
    ).all()
    got = sorted(
        (pos, m.kind, m.estimate, m.ci_lower, m.ci_upper, m.unit, m.consistent) for pos, m in rows
    )
    assert [g[1:] for g in got] == [
        (EST, 6.13, 4.97, 7.53, "days", True),
        (OR, 1.19, 1.04, 1.38, "per mg/dl", False),
        (EST, 48600, 42400, 54700, None, True),
    ]
    flags = session.exec(select(Flag).where(Flag.kind == "numeric inconsistency")).all()
    assert [flag.note for flag in flags if "implies p" in (flag.note or "")] != []


_LABELS = ["95% CI", "95% CI:", "95%CI", "95 % CI", "CI 95%", "95% CI =", "95% CI,", "CI95",
           "95% confidence interval", "95% confidence interval [CI],", "95% credible interval",
           "95% CrI", "90% CI", "99% CI"]  # fmt: skip
_SEPARATORS = ["-", "–", "—", " to ", ", ", "; ", " – "]
_UNITS = ["", " days", "%", " kg", " mg/dl", " per year", " per 1000 person-years", " cases"]
_LEADS = ["", "OR ", "HR ", "a median of ", "mean ", "an estimated ", "prevalence ", "MD "]


@given(
    st.integers(1, 9_999_999),
    st.integers(1, 99),
    st.integers(0, 2),
    st.sampled_from(_LABELS),
    st.sampled_from(_SEPARATORS),
    st.sampled_from(["()", "[]", "{}", ", ", "; "]),
    st.sampled_from(_UNITS),
    st.sampled_from(_LEADS),
    st.sampled_from(["", ","]),
)
@settings(max_examples=300, deadline=None)
def test_any_combination_of_printed_parts_parses_to_its_numbers(
    value: int,
    spread: int,
    decimals: int,
    label: str,
    sep: str,
    around: str,
    unit: str,
    lead: str,
    thousands: str,
) -> None:
    """Labels, separators, brackets, units, kind words and thousands separators in any mix."""
    scale = 10**decimals
    est, lo, hi = value / scale, max(value - spread, 1) / scale, (value + spread) / scale
    text_of = f"{{:{thousands}.{decimals}f}}".format
    bounds = f"{text_of(lo)}{sep}{text_of(hi)}"
    if len(around) == 2:
        ci = f" {around[0]}{label} {bounds}{around[1]}"
    else:
        ci = f"{around}{label} {bounds}"
    text = f"Overall, {lead}{text_of(est)}{unit}{ci} was seen."
    (m,) = with_ci(text)
    assert (m.estimate, m.ci_lower, m.ci_upper) == pytest.approx((est, lo, hi)), text
    assert m.unit == (unit.strip() or None), text
    level = float(label.split("%")[0].split()[-1].removeprefix("CI")) / 100 if "9" in label else 0
    assert m.ci_level == pytest.approx(level), text
