"""A realistic samenwerkingsverband, generated and loaded through the services' real HTTP APIs.

Development and benchmarks only. `shape` decides what there is (pure, seeded), `steps` holds the
case steps of the Meldcode as requests, `load` sends it all as the right roles, concurrency-limited,
with progress and time left; `cli` is `python -m meldcode_swv_generator`.

The proportions at scale 1 (assumptions, not measurements: a generated shape for dashboards and
benches, not statistics), all scaled by `--scale` (0.1, 1, 10, 100):

- 40 schools and 12 000 pupils (300 a school): a mid-sized samenwerkingsverband of primary
  schools; pupils aged 4-12.
- 8 % of the pupils have signals over the two school years (about 3 % of children a year meet
  child abuse or domestic violence in Dutch prevalence estimates, plus signals that turn out to be
  nothing): 1 to 6 signals each (average about 2.5), observed on school days spread over the last
  two school years (never in the future).
- 40 % of the pupils with signals get a case, opened from their signals by the school's IB'er;
  the cases stand in every step of the Meldcode (`shape.STAGES`): 12 % waiting for the parents
  conversation, 12 % for the weighing, 8 % for the decision, 5 % decided to report, 3 % parents
  informed, 6 % reported to Veilig Thuis, 4 % feedback received, 5 % help organised, 5 % follow-up
  planned, 10 % closed after a report and help, 30 % closed after the weighing without suspicion.
"""
