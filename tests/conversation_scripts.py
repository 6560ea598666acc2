"""Ten scripted conversations, written before thread context was built
(issue 14), from the notes' text: what a person asks next in a thread.

Each turn names the note (or section) a right answer comes from. `context`
marks the turns that only make sense after the earlier ones ("how do I
install it?", "and the second one?", "tell me more"): asked on their own,
the engine must not get them right, or the test proves nothing. `new_text`
marks "more" turns: the answer must show what the thread has not seen yet.

Collections:
  shipped  corpus/ (the shipped k8s-projects notes)
  tree     the shipped notes plus bench/trees/k8s-tree (keda, velero, ...)
  til      ../shared/corpora/til, the folders listed in TIL_FOLDERS
"""

from __future__ import annotations

from dataclasses import dataclass

# The til folders these conversations touch, and their nearest neighbours
# (other "version", "kill", "rename" and "run sql" notes), so that a
# context-free follow-up has the same wrong answers to fall for as in the
# whole collection, at a third of its indexing time.
TIL_FOLDERS = ("docker", "postgres", "tmux", "git", "mysql", "unix", "linux", "heroku", "workflow")


@dataclass(frozen=True)
class Turn:
    say: str
    expect: str  # the first citation's source (a note's path) or heading path ends with this
    context: bool = False  # only answerable from the thread's earlier turns
    new_text: bool = False  # "more": the answer shows text no earlier turn showed


@dataclass(frozen=True)
class Conversation:
    name: str
    collection: str  # "shipped" | "tree" | "til"
    turns: tuple[Turn, ...]


CONVERSATIONS = (
    Conversation(
        "sealed-secrets: a pronoun, then more",
        "shipped",
        (
            Turn("what is sealed-secrets?", "sealed-secrets"),
            Turn("how do I install it?", "sealed-secrets", context=True),
            Turn("tell me more", "sealed-secrets", context=True, new_text=True),
        ),
    ),
    Conversation(
        "kyverno vs k-rail: the second one, then a pronoun for it",
        "shipped",
        (
            Turn("what's the difference between kyverno and k-rail?", "k-rail"),
            Turn("and the second one?", "kyverno", context=True),
            Turn("does it need CRDs?", "kyverno", context=True),
        ),
    ),
    Conversation(
        "addon-resizer: a pronoun, an ellipsis, a new topic",
        "shipped",
        (
            Turn("what does addon-resizer do?", "addon-resizer"),
            Turn("how often does it poll?", "addon-resizer", context=True),
            Turn("and cluster autoscaler?", "cluster autoscaler"),
            Turn("what replaces service-loadbalancer?", "service-loadbalancer"),
        ),
    ),
    Conversation(
        "cert-manager then polaris: the pronoun follows the topic",
        "shipped",
        (
            Turn("what is cert-manager used for?", "cert-manager"),
            Turn("what CRDs does it create?", "cert-manager", context=True),
            Turn("what is polaris?", "polaris"),
            Turn("what are its components?", "polaris", context=True),
        ),
    ),
    Conversation(
        "kube-rbac-proxy: pronouns that need no help, then more",
        "shipped",
        (
            Turn("what is kube-rbac-proxy for?", "kube-rbac-proxy"),
            Turn("how does it authenticate requests?", "kube-rbac-proxy"),
            Turn("does it need iptables?", "kube-rbac-proxy"),
            Turn("tell me more", "kube-rbac-proxy", context=True, new_text=True),
        ),
    ),
    Conversation(
        "keda: the install command, and for velero",
        "tree",
        (
            Turn("what is keda?", "keda/keda.md"),
            Turn("does it scale to zero?", "keda/keda.md"),
            Turn("show me the install command", "keda › Installation", context=True),
            Turn("and for velero?", "velero › Installation", context=True),
        ),
    ),
    Conversation(
        "velero: backups named once, then 'them', then more",
        "tree",
        (
            Turn("how do I restore a velero backup into another namespace?", "velero › Restore"),
            Turn("how do I schedule them?", "velero › Backups › Schedules", context=True),
            Turn("tell me more", "velero/README.md", context=True, new_text=True),
        ),
    ),
    Conversation(
        "postgres in docker: more, then what to do with it",
        "til",
        (
            Turn(
                "how do I run a postgres server in docker?",
                "docker/run-a-basic-postgresql-server-in-docker.md",
            ),
            Turn(
                "tell me more",
                "docker/run-a-basic-postgresql-server-in-docker.md",
                context=True,
                new_text=True,
            ),
            Turn(
                "how can I run a sql script against it?",
                "docker/run-sql-script-against-postgres-container.md",
            ),
            Turn(
                "and check which version it runs?",
                "docker/check-postgres-version-running-in-docker-container.md",
                context=True,
            ),
        ),
    ),
    Conversation(
        "clearing psql: the other one, then a new topic",
        "til",
        (
            Turn("how do I clear the screen in psql?", "postgres/clear-the-screen-in-psql-2.md"),
            Turn("what about the other one?", "postgres/clear-the-screen-in-psql.md", context=True),
            Turn("how do I list all the databases?", "postgres/list-all-the-databases.md"),
        ),
    ),
    Conversation(
        "a tmux session: rename it, kill it",
        "til",
        (
            Turn("how do I create a named tmux session?", "tmux/create-a-named-tmux-session.md"),
            Turn("how do I rename it?", "tmux/rename-the-current-session.md", context=True),
            Turn("and kill it?", "tmux/kill-the-current-session.md", context=True),
        ),
    ),
)
