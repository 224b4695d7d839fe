-- How the Kremlin described its calls with President Trump, in each language its readouts
-- were loaded in (source kremlin: the English site; kremlin_ru: the Russian originals): the
-- canonical descriptors with the readout's own words, and three signals. The seed article's
-- question: 2017-2020's "businesslike and constructive" ("деловой и конструктивный")
-- against the calls of Trump's second term.
select
    c.call_date,
    c.source,
    c.item_id,
    t.descriptors,
    coalesce(
        (
            select string_agg(e.matched_text, ', ' order by e.char_start)
            from marts.tone_evidence as e
            where e.source = c.source and e.item_id = c.item_id and e.label_kind = 'descriptor'
        ),
        ''
    ) as words,
    t.expressed_satisfaction,
    t.exchange_of_views,
    t.agreed_to_continue_contacts
from marts.calls as c
join marts.call_tone as t using (source, item_id)
where exists (
    select 1
    from marts.call_counterparts as p
    where p.source = c.source and p.item_id = c.item_id and p.country_code = 'US'
        and regexp_matches(p.person_name, 'Trump|Трамп')
)
order by c.call_date, c.source
