// A QTable whose rows are drawn by one component made once from the row template (the `row-template` prop).
// A NiceGUI slot template becomes a new component on each update of the table, so Vue unmounts every row and
// builds it again, elements, styles and all; a component that stays the same lets Vue patch the rows already in
// the page (Quasar does not key them: row n is patched with the new page's row n, mostly text that changes).
const rowComponents = new Map();

function rowComponent(template) {
  if (!rowComponents.has(template)) {
    rowComponents.set(template, { props: { props: { type: Object, default: {} } }, template });
  }
  return rowComponents.get(template);
}

export default {
  template: `
    <q-table ref="qRef" :columns="columns">
      <template v-for="(_, slot) in $slots" v-slot:[slot]="slotProps">
        <slot :name="slot" v-bind="slotProps || {}" />
      </template>
      <template #body="props"><component :is="row" :props="props" /></template>
    </q-table>
  `,
  props: {
    columns: Array,
    rowTemplate: String,
  },
  computed: {
    row() {
      return rowComponent(this.rowTemplate);
    },
  },
};
