/** Image references and the words for a refused image removal. */
import * as assert from 'node:assert/strict';
import { explainImageRemovalFailure, splitReference, validateReference } from '../../src/commands/images';
import { formatMessage } from '../../src/l10n';

describe('image references', () => {
  it('splits repository and tag, defaulting to latest, minding registry ports', () => {
    assert.deepEqual(splitReference('app'), { repository: 'app', tag: 'latest' });
    assert.deepEqual(splitReference('app:1.2'), { repository: 'app', tag: '1.2' });
    assert.deepEqual(splitReference('localhost:5000/team/app'), { repository: 'localhost:5000/team/app', tag: 'latest' });
    assert.deepEqual(splitReference('localhost:5000/team/app:v2'), { repository: 'localhost:5000/team/app', tag: 'v2' });
    assert.deepEqual(splitReference('app@sha256:abc'), { repository: 'app', tag: 'latest' });
  });

  it('accepts what Docker accepts and explains what it does not', () => {
    for (const ok of ['app', 'app:1.0', 'my-org/my_app:v1.2.3-rc1', '127.0.0.1:5000/app:x', 'localhost/app', 'registry.example.com/a/b/c:latest']) {
      assert.equal(validateReference(ok, formatMessage), undefined, ok);
    }
    assert.match(validateReference('', formatMessage) ?? '', /required/);
    assert.match(validateReference('App:1', formatMessage) ?? '', /"App" is not a valid repository name/);
    assert.match(validateReference('app:-x', formatMessage) ?? '', /The tag "-x"/);
    assert.match(validateReference('app@sha256:00', formatMessage) ?? '', /not a digest/);
    assert.match(validateReference('a..b', formatMessage) ?? '', /not a valid repository name/);
  });

  it('explains the engine\'s refusals in plain words', () => {
    assert.match(
      explainImageRemovalFailure('conflict: unable to remove repository reference "app:1" (must force) - container 0123456789abcdef is using its referenced image 89abcdef0123', formatMessage) ?? '',
      /A container \(0123456789ab\) was created from this image/,
    );
    assert.match(explainImageRemovalFailure('conflict: unable to delete 89abcdef0123 (must be forced) - image is being used by stopped container 0123456789abcdef', formatMessage) ?? '', /Remove that container first/);
    assert.match(explainImageRemovalFailure('conflict: unable to delete 89abcdef0123 (cannot be forced) - image has dependent child images', formatMessage) ?? '', /dependent child images/);
    assert.match(explainImageRemovalFailure('conflict: unable to delete 89abcdef0123 (must be forced) - image is referenced in multiple repositories', formatMessage) ?? '', /several tags/);
    assert.equal(explainImageRemovalFailure('something else', formatMessage), undefined);
  });
});
