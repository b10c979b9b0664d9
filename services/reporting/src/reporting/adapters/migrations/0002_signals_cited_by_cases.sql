-- reporting 0002: find the cases that cite a signal (the teacher's "Mijn signalen" shows whether her
-- signal was taken into a case), without reading every case change.
create index if not exists case_changes_by_signal on case_changes using gin (signal_ids);

-- CaseSignalsAdded now keeps the signals it added with its change, as CaseOpened always did; give the
-- changes stored before that their signals from the chronology.
update case_changes cc
   set signal_ids = array(select jsonb_array_elements_text(c.body -> 'signal_ids')::uuid)
   from chronology c
   where cc.event_id = c.event_id and cc.event_type = 'CaseSignalsAdded' and cc.signal_ids = '{}';
