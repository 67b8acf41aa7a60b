// MySafe home's shortcut cards, drawn by this one component from their data (the `cards` prop: id, name, owner, tags,
// shared, can_edit, is_owner, enabled). The page's server makes one element instead of thirteen per card (60 cards
// held its event loop 50-70 ms, every other session waiting), and the browser draws plain Quasar components instead of
// as many NiceGUI elements. Text reaches the page only through Vue's text interpolation and attribute bindings, never
// as HTML. A card's buttons send its id; the server acts on its own record of the cards it sent.
// A card's More actions menu is made the first time its button is clicked (`menus[id]`): it opens as it is made, and
// from then on opens and closes itself.
export default {
  template: `
    <div class="w-full grid gap-4 grid-cols-[repeat(auto-fill,minmax(16rem,1fr))]">
      <q-card v-for="card in cards" :key="card.id" class="nicegui-card w-full" role="article" :aria-label="card.name">
        <div class="nicegui-row row w-full items-start no-wrap">
          <q-icon name="vpn_key" size="md" class="text-primary" />
          <div class="nicegui-column gap-0 grow min-w-0">
            <a :href="link(card)" class="nicegui-link text-subtitle1 text-weight-medium">{{ card.name }}</a>
            <div class="text-caption text-grey-9">{{ card.owner }}</div>
          </div>
        </div>
        <div class="nicegui-row row gap-1">
          <q-badge v-for="(tag, index) in card.tags" :key="index" outline color="grey-9">{{ tag }}</q-badge>
          <q-badge v-if="card.shared" color="teal-9">Shared</q-badge>
        </div>
        <div class="nicegui-row row w-full items-center">
          <q-btn flat no-caps color="primary" icon="visibility" label="View api secret"
                 @click="$emit('view', card.id)" />
          <q-space />
          <q-btn v-if="card.can_edit" flat round dense color="primary" icon="more_vert" aria-label="More actions"
                 title="More actions" aria-haspopup="menu"
                 @click="() => { if (menus[card.id] === undefined) menus[card.id] = true; }">
            <q-menu v-if="menus[card.id] !== undefined" v-model="menus[card.id]">
              <q-item clickable v-close-popup role="menuitem" @click="$emit('edit', card.id)">
                <q-item-section>Edit</q-item-section>
              </q-item>
              <q-item v-if="card.is_owner" clickable v-close-popup role="menuitem" @click="$emit('share', card.id)">
                <q-item-section>Share</q-item-section>
              </q-item>
              <q-item clickable v-close-popup role="menuitem" @click="$emit('toggle', card.id)">
                <q-item-section>{{ card.enabled ? 'Disable' : 'Enable' }}</q-item-section>
              </q-item>
            </q-menu>
          </q-btn>
        </div>
      </q-card>
    </div>
  `,
  props: {
    cards: Array,
  },
  emits: ["view", "edit", "share", "toggle"],  // component events, not listeners on the grid's root element
  data() {
    return { menus: {} };
  },
  methods: {
    link(card) {
      return (window.path_prefix || "") + "/mysafe/api-secrets/" + card.id;
    },
  },
};
