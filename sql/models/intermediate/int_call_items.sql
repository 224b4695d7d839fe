with counterparts as (
    select
        source,
        item_id,
        entry_sha,
        count(*) as counterpart_count,
        count(*) filter (where country_code = 'RU' and organisation is null) as russian_count
    from {{ ref('stg_item_counterparts') }}
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
    case
        when c.counterpart_count > 0 and c.russian_count = c.counterpart_count then 'domestic'
        else 'foreign'
    end as call_scope,
    v.initiated_by,
    v.initiative_evidence,
    coalesce(c.counterpart_count, 0) as counterpart_count,
    len(regexp_extract_all(v.text, '\S+')) as word_count
from {{ ref('int_latest_item_versions') }} as v
left join counterparts as c
    on c.source = v.source and c.item_id = v.item_id and c.entry_sha = v.entry_sha
where v.kind in ('telephone call', 'video call')
