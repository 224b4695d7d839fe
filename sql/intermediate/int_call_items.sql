-- Call readouts (telephone and video calls), newest version, with their counts.
with counterparts as (
    select
        source,
        item_id,
        entry_sha,
        count(*) as counterpart_count
    from staging.stg_item_counterparts
    group by all
)

select
    v.source,
    v.item_id,
    v.entry_sha,
    v.version,
    v.url,
    v.title,
    v.published_at,
    v.published_date_local,
    v.kind,
    v.initiated_by,
    v.initiative_evidence,
    coalesce(c.counterpart_count, 0) as counterpart_count,
    len(regexp_extract_all(v.text, '\S+')) as word_count
from intermediate.int_latest_item_versions as v
left join counterparts as c
    on c.source = v.source and c.item_id = v.item_id and c.entry_sha = v.entry_sha
where v.kind in ('telephone call', 'video call')
