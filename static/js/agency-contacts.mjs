// An agency report request offers only the chosen agency's contacts. Without this script the
// contact list is grouped by agency and the server refuses a contact of another agency; with it,
// the list follows the agency select named by the contact select's data-contacts-of.
const contact = document.querySelector("select[data-contacts-of]");
if (contact) {
  const agency = document.getElementById(contact.dataset.contactsOf);
  const placeholder = contact.querySelector('option[value=""]');
  const everyone = Array.from(contact.querySelectorAll("option[data-agency]"));
  const follow = () => {
    const theirs = everyone.filter((option) => option.dataset.agency === agency.value);
    const kept = theirs.some((option) => option.selected) ? contact.value : "";
    contact.replaceChildren(placeholder, ...theirs);
    contact.value = kept;
    if (!agency.value) {
      placeholder.textContent = "Select the agency first";
    } else if (theirs.length === 0) {
      placeholder.textContent = "Nobody at this agency has an account yet";
    } else {
      placeholder.textContent = "Select a contact";
    }
  };
  agency.addEventListener("change", follow);
  follow();
}
