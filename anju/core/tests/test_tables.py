"""``anju.core.tables`` and the region picker's options (ADR 0054): cells and options are
escaped as the template engine would escape them."""

from types import SimpleNamespace

from django.template import Context, Template

from anju.core.tables import Column, Table, link, text


def test_a_table_escapes_what_its_cells_hold_and_keeps_what_is_already_html() -> None:
    rows = [SimpleNamespace(name="<script>x</script>", note=None), SimpleNamespace(name="张 & 李", note=7)]
    table = Table(
        rows,
        [
            Column("姓名", lambda r: link("/p/?a=1&b=2", r.name)),
            Column("备注", lambda r: text(r.note, "—"), numeric=True),
        ],
        testid="t",
        empty="无",
    )

    html = Template("{{ table }}").render(Context({"table": table}))

    assert "<script>" not in html
    assert '<a href="/p/?a=1&amp;b=2">&lt;script&gt;x&lt;/script&gt;</a>' in html
    assert '<td class="text-end">—</td>' in html and '<td class="text-end">7</td>' in html
    assert "张 &amp; 李" in html and '<th class="text-end">备注</th>' in html


def test_an_empty_table_says_so_across_its_columns() -> None:
    table = Table([], [Column("甲", str), Column("乙", str)], testid="t", empty="没有<数据>", stacked=True)

    assert '<td colspan="2" class="text-muted stack-row">没有&lt;数据&gt;</td>' in str(table)


def test_the_region_picker_indents_townships_and_villages_and_marks_the_chosen_one() -> None:
    regions = [
        SimpleNamespace(code="140405000000", name="屯留区", level=3),
        SimpleNamespace(code="140405102000", name="渔泽镇", level=4),
        SimpleNamespace(code="140405102201", name="北<渔泽>", level=5),
    ]

    html = Template("{% load anju %}{% region_options regions selected %}").render(
        Context({"regions": regions, "selected": "140405102000"})
    )

    assert html == (
        '<option value="140405000000">屯留区</option>'
        '<option value="140405102000" selected>\u3000渔泽镇</option>'
        '<option value="140405102201">\u3000\u3000北&lt;渔泽&gt;</option>'
    )
