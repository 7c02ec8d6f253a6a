# ruff: noqa: E501
"""Kinds of claims (kb.ingest.classify): a table of labelled sentences from real health writing.

Each row is (source, sentence, kind, checkable). Sources: "blog" is the clinic blog and "answer"
the answer page in shared/seeds; "mds526" and "ehp" are the two research articles in
shared/realdata/articles (short quotes, a few trimmed); "own" are sentences written for this
table in the way patient leaflets put things. The labels are ours, given by the definitions of
DOMAIN.md (finding reports a result, recommendation says what to do, mechanism says how or why,
background is the rest) before the classifier was run on them. "checkable" says whether the
sentence asserts something a reviewer could check against a source (see is_check_worthy).

The table grew in three rounds, each labelled before it was run:
- TUNING (87 rows): written first; the rule set in kb.ingest.classify was then written against it.
- SECOND (28 rows): a random draw from the two articles plus our own; the rules were generalised
  after it (explanations, "findings suggest", the state of knowledge, "works against", "harm").
- FRESH (24 rows): a last random draw, run once; two recommendations it missed ("could
  consider", an instruction starting "Eat") were then added to the rules, and later comparisons
  ("lower pain scores", "better than"), which also took in its one missed finding.

Accuracy per kind, before (the rules this branch started from) -> after (these rules):

| round | finding | recommendation | mechanism | background | all |
|---|---|---|---|---|---|
| TUNING | 19/27 -> 27/27 | 13/16 -> 16/16 | 12/22 -> 22/22 | 14/22 -> 22/22 | 58 -> 87 of 87 |
| SECOND | 5/9 -> 9/9 | 2/3 -> 2/3 | 1/5 -> 5/5 | 8/11 -> 10/11 | 16 -> 26 of 28 |
| FRESH, as first run | 7/9 -> 8/9 | 2/3 -> 1/3 | 2/3 -> 3/3 | 9/9 -> 9/9 | 20 -> 21 of 24 |
| FRESH, final | 7/9 -> 9/9 | 2/3 -> 3/3 | 2/3 -> 3/3 | 9/9 -> 9/9 | 20 -> 24 of 24 |

The first run of FRESH (21 of 24, 88%; before: 20 of 24) is the honest estimate of how the rules
do on sentences they were not written for; the other figures are on sentences they were fitted
to. The test below holds the floor per kind over all 139 rows.
"""

from __future__ import annotations

from collections import Counter

import pytest

from kb.ingest import guess_kind, is_check_worthy

F, R, M, B = "finding", "recommendation", "mechanism", "background"
Row = tuple[str, str, str, bool]

# fmt: off
TUNING: list[Row] = [
    # The clinic blog (shared/seeds/000).
    ("blog", "Spine pain can be life-altering—affecting how you move, sleep, work, and simply get through the day.", B, False),
    ("blog", "For many people, physical therapy, medications, chiropractic care, or injections bring meaningful relief.", F, True),
    ("blog", "But when pain persists or becomes chronic, newer solutions like neurostimulation may offer a powerful next step.", R, True),
    ("blog", "Neurostimulation uses controlled electrical signals to interrupt pain pathways and help the nervous system reset.", M, True),
    ("blog", "It’s safe, minimally invasive, and customizable—and for many patients, it offers the first real relief they’ve felt in years.", F, True),
    ("blog", "Neurostimulation refers to a group of therapies that use electrical currents to influence the nerves involved in pain.", B, False),
    ("blog", "In spine-related pain, the nervous system can become overactive or hypersensitive.", M, True),
    ("blog", "Neurostimulation helps calm those signals so the brain receives fewer pain messages.", M, True),
    ("blog", "Electrical pulses interfere with abnormal pain pathways traveling from the spine to the brain.", M, True),
    ("blog", "After injury or degeneration, the nervous system can remain in a heightened pain state.", M, True),
    ("blog", "Neurostimulation helps normalize these circuits.", M, True),
    ("blog", "Certain stimulation modes support circulation and reduce muscle tension around the spine.", M, True),
    ("blog", "Many patients are able to decrease reliance on opioids or other pain medications.", F, True),
    ("blog", "Regular stimulation can help retrain the nervous system, providing sustained benefits.", M, True),
    ("blog", "A small device implanted near the spine delivers electrical pulses to interrupt pain signals.", M, True),
    ("blog", "This option is commonly used for chronic low back pain, failed back surgery syndrome, radicular leg pain, and neuropathic conditions.", B, True),
    ("blog", "Patients always start with a trial period before choosing a permanent implant.", B, True),
    ("blog", "Leads stay in place for 60–90 days, and many people continue to feel relief even after they’re removed.", F, True),
    ("blog", "A non-invasive option using skin-surface electrodes.", B, False),
    ("blog", "Ideal for temporary relief during flare-ups or as part of a larger treatment plan.", R, True),
    ("blog", "Most neurostimulation procedures are minimally invasive with quick recovery.", F, True),
    ("blog", "Settings can be adjusted over time to match your comfort and activity levels.", B, False),
    ("blog", "Neurostimulation offers a safe, effective, and customizable way to manage chronic spine pain—especially when traditional treatments aren’t enough.", F, True),
    ("blog", "If your symptoms are persistent or worsening, consult with a pain specialist to see whether electrical therapy could be your next step toward lasting relief.", R, False),
    ("blog", "Pain interferes with daily activities or mobility", B, False),
    ("blog", "A desire to reduce medication use", B, False),
    # The answer page (shared/seeds/003).
    ("answer", "Spinal cord stimulation (SCS) is not indicated for balance improvement in patients with spinal stenosis, as there is no evidence supporting this specific outcome.", R, True),
    ("answer", "SCS has demonstrated effectiveness for chronic pain relief in lumbar spinal stenosis patients, with visual analog scale scores decreasing from 7.4 ± 2.3 to 2.8 ± 2.4 (p < 0.05) over a mean 27-month follow-up period.", F, True),
    ("answer", "However, no studies have evaluated SCS specifically for balance improvement in spinal stenosis patients.", F, True),
    ("answer", "Denervation of paraspinal muscles impairs posture and displaces the center of gravity, which is the primary mechanism of balance dysfunction in spinal stenosis patients.", M, True),
    ("answer", "Paraspinal denervation correlates highly with both static and dynamic balance in symptomatic patients.", F, True),
    ("answer", "This denervation-related balance impairment would not be expected to respond to neuromodulation techniques like SCS, which primarily modulate pain pathways rather than restore muscle innervation or function.", M, True),
    ("answer", "Rehabilitation demonstrates significant effects on pain in spinal stenosis (mean difference -1.63; 95% CI: -2.68, -0.57; p = 0.002), and should be the primary nonsurgical approach.", F, True),
    ("answer", "Surgical decompression alone is the treatment of choice when conservative management fails in patients with central spinal stenosis without instability.", R, True),
    ("answer", "The addition of fusion does not improve outcomes in stable patients and increases morbidity without addressing balance deficits.", F, True),
    ("answer", "Do not use SCS as a treatment for balance impairment, as the mechanism of action does not address paraspinal denervation or postural control deficits.", R, True),
    ("answer", "Avoid delaying appropriate balance-focused rehabilitation in favor of pain-focused interventions when balance is the primary concern.", R, True),
    ("answer", "Initial treatment should focus on patient education, medications for pain control, and exercise/physical treatments to maintain activities of daily living.", R, True),
    ("answer", "Do not assume pain relief from any intervention will automatically improve balance, as these are separate pathophysiologic processes in spinal stenosis.", R, True),
    # A research article on stage at cancer diagnosis (realdata/articles/mds526.txt).
    ("mds526", "Understanding socio-demographic inequalities in stage at diagnosis can inform priorities for cancer control.", B, False),
    ("mds526", "Stage information was available on 88 657 of 98 942 tumours (89.6%).", F, True),
    ("mds526", "Deprived patients were more likely to be diagnosed in advanced stage for melanoma, prostate, endometrial and (female) breast cancer.", F, True),
    ("mds526", "Earlier detection interventions and policies can be targeted on patients at higher risk of advanced stage diagnosis.", R, False),
    ("mds526", "Eliminating population exposure to known lifestyle and environmental risk factors would only prevent up to 45% of all new diagnoses of cancer.", F, True),
    ("mds526", "Therefore, in addition to primary prevention efforts to decrease cancer incidence, current cancer control policies aim to reduce the proportion of patients diagnosed at advanced disease stage.", B, False),
    ("mds526", "Early-stage detection renders currently available treatments more effective and can therefore amplify the impact of primary prevention initiatives to help decrease cancer-related deaths.", F, True),
    ("mds526", "However, the evidence about how to achieve earlier stage detection is still developing.", B, False),
    ("mds526", "The great majority of cancer patients are diagnosed after first presenting to a general practitioner with symptoms relating to their cancer.", F, True),
    ("mds526", "For cancers with large socio-demographic inequalities in stage at diagnosis, such targeting may be judged particularly appropriate.", R, False),
    ("mds526", "We defined advanced stage at diagnosis as diagnosis in stages III/IV.", B, False),
    ("mds526", "Anonymous data were extracted from the Eastern Cancer Registration and Information Centre (ECRIC), a cancer registry covering a population of ∼5.7 m.", B, True),
    ("mds526", "The use of this index is standard practice in UK cancer statistics and research because it avoids the potential for endogeneity between health outcomes and composite deprivation measures.", B, True),
    ("mds526", "Older patients with melanoma, prostate, endometrial and breast cancer were more likely to be diagnosed in advanced stage compared with patients aged 65–69.", F, True),
    # A research article on a flame retardant and thyroid hormones (realdata/articles/ehp-116-1694.txt).
    ("ehp", "Polybrominated diphenyl ethers (PBDEs) are added to plastics, polyurethane foam, paints, and synthetic fabrics as a flame retardant.", B, False),
    ("ehp", "PBDEs are structurally similar to THs, and it has been hypothesized that PBDEs might interfere with TH transport and metabolism.", M, True),
    ("ehp", "In the vertebrate brain, THs play key roles in regulating neural development and functioning.", M, True),
    ("ehp", "THs influence neurogenesis by mediating the proliferation of neural progenitor cells, influencing dendritic and synapse formation, and regulating myelination.", M, True),
    ("ehp", "Minnows exposed to PBDE-47 had depressed plasma thyroxine (T4), but not 3,5,3′-triiodothyronine (T3).", F, True),
    ("ehp", "Adult fathead minnows (Pimephales promelas) were obtained from Environmental Consulting & Testing (Superior, WI).", B, False),
    ("ehp", "Animals exposed to PBDEs may show reduced plasma thyroid hormone (TH), but it is not known whether PBDEs impact TH-regulated pathways in target tissues.", F, True),
    ("ehp", "The fathead minnow is a teleost model for assessing the toxic and endocrine-disrupting effects of chemical pollutants.", B, False),
    ("ehp", "Teleost fish show cell proliferation and neural differentiation in the brain throughout adult life.", F, True),
    ("ehp", "Some researchers have hypothesized that the decreased T4 is caused by displacement of T4 from transport proteins.", M, True),
    ("ehp", "PBDE-47 intake elevated transcript for TH receptor α in the brain of females and decreased mRNA for TH receptor β in the brain of both sexes.", F, True),
    ("ehp", "We observed decreased plasma T4 levels in both sexes after dietary PBDE-47 exposure.", F, True),
    # Our own sentences, written the way patient leaflets and health pages put things.
    ("own", "Ibuprofen works by blocking the COX enzymes that make prostaglandins.", M, True),
    ("own", "Adults should not take more than 4 g of paracetamol a day.", R, True),
    ("own", "In a trial of 412 adults, the vaccine cut hospital admissions by 61%.", F, True),
    ("own", "Type 2 diabetes is a long-term condition in which the body does not use insulin properly.", B, False),
    ("own", "Talk to your doctor before stopping any prescribed medication.", R, False),
    ("own", "Statins lower LDL cholesterol by inhibiting HMG-CoA reductase in the liver.", M, True),
    ("own", "Smokers are about 15 to 30 times more likely to get lung cancer than non-smokers.", F, True),
    ("own", "Physiotherapy sessions usually last between 30 and 60 minutes.", B, True),
    ("own", "Regular walking is associated with a lower risk of heart disease.", F, True),
    ("own", "Insulin resistance causes the pancreas to release more insulin to keep blood sugar normal.", M, True),
    ("own", "Children under 12 should avoid aspirin because of the risk of Reye's syndrome.", R, True),
    ("own", "Migraine is a common neurological disorder.", B, False),
    ("own", "Chronic inflammation damages the lining of the arteries over time.", M, True),
    ("own", "Most people recover from a mild concussion within two weeks.", F, True),
    ("own", "Acupuncture is a practice from traditional Chinese medicine in which thin needles are inserted into the skin.", B, False),
    ("own", "Patients with kidney disease are advised to limit salt.", R, True),
    ("own", "Opioids bind to mu receptors in the brain and spinal cord, dampening the transmission of pain signals.", M, True),
    ("own", "Sleep deprivation triggers the release of stress hormones that raise blood pressure.", M, True),
    ("own", "Vitamin D helps the body absorb calcium from food.", M, True),
    ("own", "Nearly one in three adults has high blood pressure, and many do not know it.", F, True),
    ("own", "People with a penicillin allergy should tell every doctor and pharmacist who treats them.", R, False),
    ("own", "The knee joint is where the thigh bone meets the shin bone.", B, False),
]

SECOND: list[Row] = [
    ("mds526", "Advanced stage also varied by age (P < 0.001), being more likely in older age.", F, True),
    ("mds526", "In England, there are ∼186 000 new diagnoses for the 10 studied cancers every year (2009), and we estimated that ∼73 000 (39%) of those cancers are diagnosed in advanced stage currently.", F, True),
    ("mds526", "This complexity may signal a substantial potential for achieving earlier detection by targeting interventions to improve awareness and appraisal of cancer signs and symptoms on specific population groups.", R, True),
    ("mds526", "In those patients, interventions to improve awareness and appraisal of cancer symptoms could help to decrease the time interval between symptom onset and presentation to a doctor.", F, True),
    ("mds526", "An alternative explanation may be that these patterns reflect cognitive or psychological barriers by the doctors in suspecting cancer in middle-aged patients.", M, True),
    ("mds526", "Against this background, we set out to examine socio-demographic inequalities in stage at diagnosis for 10 common cancers.", B, False),
    ("mds526", "There is ongoing uncertainty about the potential benefits of asymptomatic detection of prostate cancer.", B, False),
    ("mds526", "These findings are unlikely to reflect improved awareness and appraisal of cancer symptoms for lung, renal and bladder cancer in older compared with younger patients.", M, True),
    ("mds526", "All exposure variables included in the analysis models were complete, and data were only missing for the outcome variable (stage).", B, False),
    ("mds526", "There are substantial socio-demographic inequalities in stage at diagnosis for most cancers.", F, True),
    ("ehp", "Minnows were maintained under a 16 hr:8 hr light:dark photoperiod with water quality parameters of 24–26°C for the duration of the experiment.", B, False),
    ("ehp", "Studies with in vitro cell culture have shown that TRα regulates stem cell proliferation, whereas TRβ mediates differentiation of these newly proliferated cells into neurons.", F, True),
    ("ehp", "The genes for TRs themselves contain TREs, so that transcripts for TRα and TRβ are autoinduced by T3.", M, True),
    ("ehp", "Embryonic exposure of zebrafish (Danio rerio) to PBDE-47 has been found to lead to cardiac and morphologic defects that appear to be caused by a primary effect on neural function.", F, True),
    ("ehp", "Extraction efficiency of PBDE-47 was 90–95% in blank carcasses fortified with PBDE-47 at concentrations encompassing observed levels in experimental fish.", B, True),
    ("ehp", "All animals were treated humanely and with regard for alleviation of suffering, in accordance with guidelines of the Battelle Institutional Animal Care and Use Committee.", B, False),
    ("ehp", "This autoinduction means that TR transcripts are markers for assessing TH-induced activation of gene transcripts in target tissues.", B, True),
    ("ehp", "Nevertheless, it remains unclear whether exposure to PBDEs impacts TH-mediated neural development.", B, False),
    ("ehp", "A third, control group of minnow pairs continued to be fed Artemia not bioencapsulated with PBDE-47.", B, False),
    ("ehp", "The elevation in TSHβ mRNA at the lower dose is consistent with reduced negative feedback on the pituitary from the decline in circulating T4.", M, True),
    ("ehp", "These new findings suggest that PBDE exposure may affect TH-regulated pathways in target tissues.", F, True),
    ("own", "Drinking alcohol during pregnancy can harm the baby's developing brain.", F, True),
    ("own", "Take the tablets with food to protect your stomach.", R, True),
    ("own", "Antibiotics do not work against viral infections such as colds.", F, True),
    ("own", "Caffeine blocks adenosine receptors, which makes you feel more alert.", M, True),
    ("own", "Osteoporosis is a disease in which bones become fragile.", B, False),
    ("own", "Women over 50 are offered breast screening every three years.", B, True),
    ("own", "Screening for bowel cancer is recommended from age 50.", R, True),
]

FRESH: list[Row] = [
    ("mds526", "Although the uptake of PSA testing in the UK is overall low, it is higher among older and least deprived patients.", F, True),
    ("mds526", "We re-ran the initial model using different definitions of advanced stage categories, i.e. diagnosis in stages II–IV versus stage I; or in stage IV versus stages I–III.", B, False),
    ("mds526", "In order to account for the fact that patients may attend the same health care organisation and that some tumours occur in the same patient, we use a sandwich estimator throughout.", B, False),
    ("mds526", "Policymakers could consider targeted approaches focusing either on a cancer or a specific population group.", R, False),
    ("mds526", "Multiple imputation was conducted using chained equations which created 20 imputed datasets.", B, False),
    ("mds526", "Incidence patterns by age and gender between the study population and England are very similar.", F, True),
    ("ehp", "All samples for each gene were run on a single 96-well plate.", B, False),
    ("ehp", "Carcasses were homogenized in deionized water and spiked with 20 μL of a 240 μg/mL solution of PCB 103 as an internal standard.", B, False),
    ("ehp", "At the higher PBDE-47 dose, however, pituitary mRNAs for GPHα were reduced in both males and females (p < 0.0001) without a change in transcript for TSHβ.", F, True),
    ("ehp", "In the present study, TSHβ mRNA was elevated in both sexes by the low PBDE-47 dose, and transcript for GPHα was depressed in both sexes at the high dose.", F, True),
    ("ehp", "In the low-dose treatment, males had a body burden of 11.43 ± 1.24 μg PBDE-47/g carcass, whereas females had 20.07 ± 7.38 μg PBDE/g carcass.", F, True),
    ("ehp", "Extracted RNA was quantified and diluted to 15 ng/μL.", B, False),
    ("ehp", "In both sexes, PBDE-47 exposure depressed brain TRβ mRNA levels at both PBDE dosing levels (Figure 3B; p = 0.001).", F, True),
    ("ehp", "Our data show that the PBDE-induced reduction in peripheral T4 is accompanied by changes in pituitary mRNAs for TSH.", F, True),
    ("own", "Beta blockers slow the heart by blocking the effects of adrenaline.", M, True),
    ("own", "Eat at least five portions of fruit and vegetables a day.", R, True),
    ("own", "Gout is a type of arthritis caused by a build-up of uric acid crystals in the joints.", B, False),
    ("own", "Ultraviolet light damages the DNA in skin cells, which can lead to skin cancer.", M, True),
    ("own", "People who sleep less than six hours a night are more likely to gain weight.", F, True),
    ("own", "Hand washing with soap reduces the spread of diarrhoeal infections.", F, True),
    ("own", "Asthma symptoms often get worse at night.", B, True),
    ("own", "Pregnant women should not eat raw or undercooked meat.", R, True),
    ("own", "Nerve signals from the gut reach the brain through the vagus nerve.", M, True),
    ("own", "Physiotherapy is usually offered on the NHS after a knee replacement.", B, False),
]
# fmt: on

TABLE = TUNING + SECOND + FRESH

# The accuracy reached per kind over TABLE, held as a floor.
FLOOR = {F: 45 / 45, R: 21 / 22, M: 30 / 30, B: 41 / 42}


def _accuracy(rows: list[Row]) -> dict[str, float]:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for _, text, kind, _ in rows:
        total[kind] += 1
        right[kind] += guess_kind(text).value == kind
    return {kind: right[kind] / total[kind] for kind in total}


def test_the_table_is_large_enough_and_covers_every_kind() -> None:
    assert len(TABLE) >= 60
    assert len({text for _, text, _, _ in TABLE}) == len(TABLE)
    assert min(Counter(kind for _, _, kind, _ in TABLE).values()) >= 15


@pytest.mark.parametrize("kind", [F, R, M, B])
def test_accuracy_per_kind_holds_its_floor(kind: str) -> None:
    assert _accuracy(TABLE)[kind] >= FLOOR[kind]


def test_the_issue_s_examples() -> None:
    assert guess_kind("Pain interferes with daily activities or mobility").value == B
    assert guess_kind("A desire to reduce medication use").value == B
    pulses = "Electrical pulses interfere with abnormal pain pathways traveling from the spine."
    assert guess_kind(pulses).value == M


def test_anatomy_is_not_a_comparison() -> None:
    assert guess_kind("The lumbar spine sits in the lower back.").value == B
    assert not is_check_worthy("The lumbar spine sits in the lower back.")
    assert guess_kind("Daily walkers had lower pain scores.").value == F
    assert is_check_worthy("Daily walkers had lower pain scores.")
    assert guess_kind("Adults were recruited in Superior, Wisconsin.").value == B
