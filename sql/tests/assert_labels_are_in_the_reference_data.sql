-- Every label is defined in the reference CSVs.
select label_kind, label
from {{ ref('tone_evidence') }}
where (label_kind = 'descriptor' and label not in (select descriptor from {{ ref('stg_tone_lexicon') }}))
   or (label_kind = 'signal' and label not in (select signal from {{ ref('stg_tone_signals') }}))
   or (label_kind = 'topic' and label not in (select topic from {{ ref('stg_topics') }}))
